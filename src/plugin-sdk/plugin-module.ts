import type { AttestationVerifier } from "./attestation.js";
import type { AuditSink } from "./audit.js";
import type { Authenticator } from "./authenticator.js";
import type { ClientAuthenticator } from "./client-auth.js";
import type { ClientMetadataField } from "./client-metadata.js";
import type { DiscoveryContributor } from "./discovery.js";
import type { PublicEndpoint } from "./endpoint.js";
import type { GrantHandler } from "./grant.js";
import type { ClaimsProvider, IntrospectionCustomizer, TokenCustomizer } from "./hooks.js";
import type { TokenExchangePolicy } from "./token-exchange.js";
import type { TokenResponseContributor } from "./token-response.js";

/** A typed slot owned by the host that plugins contribute implementations to. */
export interface ExtensionPoint<T> {
  readonly id: string;
  /** Phantom member carrying the contributed type. */
  readonly __type?: T;
}

const point = <T>(id: string): ExtensionPoint<T> => Object.freeze({ id });

/** The extension points of plugin API version 1. */
export const ExtensionPoints = {
  grants: point<GrantHandler>("portcullis.grants"),
  clientAuthenticators: point<ClientAuthenticator>("portcullis.client-authenticators"),
  tokenCustomizers: point<TokenCustomizer>("portcullis.token-customizers"),
  introspectionCustomizers: point<IntrospectionCustomizer>("portcullis.introspection-customizers"),
  claimsProviders: point<ClaimsProvider>("portcullis.claims-providers"),
  authenticators: point<Authenticator>("portcullis.authenticators"),
  /** Public HTTP endpoints, served by the same router with the same limits and error model as core's. */
  endpoints: point<PublicEndpoint>("portcullis.endpoints"),
  /** Members of the discovery documents. */
  discovery: point<DiscoveryContributor>("portcullis.discovery"),
  /** Client metadata fields, parsed and validated by the plugin that reads them. */
  clientMetadata: point<ClientMetadataField>("portcullis.client-metadata"),
  /** Members of successful token responses. */
  tokenResponse: point<TokenResponseContributor>("portcullis.token-response"),
  /** Who may exchange which tokens, for whom, toward which audience (RFC 8693 §5); every enabled policy must permit. */
  tokenExchangePolicies: point<TokenExchangePolicy>("portcullis.token-exchange-policies"),
  /** Verifiers of one kind of client evidence each (RFC 9334), shared by client attestation and attested registration. */
  attestationVerifiers: point<AttestationVerifier>("portcullis.attestation-verifiers"),
  /** Receivers of core's audit events (sign-ins, issued and revoked tokens, client, key, consent and user changes). */
  auditSinks: point<AuditSink>("portcullis.audit-sinks"),
} as const;

/**
 * A contribution: a ready instance, or a class that the host constructs through the DI container, so its constructor
 * may `@inject(PluginTokens.X)` (options, clock, logger, capabilities).
 */
// Constructor parameters are the container's to fill, hence any.
export type Contribution<T> = (new (...args: any[]) => T) | T;

/** What a plugin module sees at registration time. */
export interface PluginHost {
  /** Adds an implementation to an extension point. */
  contribute<T>(point: ExtensionPoint<T>, contribution: Contribution<T>): void;
  /** This module's options from configuration (`plugins.options[<id>]`), or an empty object. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A plugin module: `id` is "<kind>.<kebab-name>"; `apiVersion` must be 1. */
export interface PluginModule {
  readonly id: string;
  readonly apiVersion: 1;
  register(host: PluginHost): void;
}

export const PLUGIN_API_VERSION = 1;
