import type { Authenticator } from "./authenticator.js";
import type { ClientAuthenticator } from "./client-auth.js";
import type { GrantHandler } from "./grant.js";
import type { ClaimsProvider, IntrospectionCustomizer, TokenCustomizer } from "./hooks.js";

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
} as const;

/** A contribution: a class with a no-argument constructor, or a ready instance. */
export type Contribution<T> = (new () => T) | T;

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
