import type { AttestationVerifier } from "../plugin-sdk/attestation.js";
import type { AuditSink } from "../plugin-sdk/audit.js";
import type { Authenticator } from "../plugin-sdk/authenticator.js";
import type { ClientAuthenticator } from "../plugin-sdk/client-auth.js";
import type { ClientMetadataField } from "../plugin-sdk/client-metadata.js";
import type { DiscoveryContributor } from "../plugin-sdk/discovery.js";
import type { PublicEndpoint } from "../plugin-sdk/endpoint.js";
import type { GrantHandler } from "../plugin-sdk/grant.js";
import type { ClaimsProvider, IntrospectionCustomizer, TokenCustomizer } from "../plugin-sdk/hooks.js";
import { ExtensionPoints, type Contribution, type ExtensionPoint, type PluginHost, type PluginModule } from "../plugin-sdk/plugin-module.js";
import type { TokenExchangePolicy } from "../plugin-sdk/token-exchange.js";
import type { TokenResponseContributor } from "../plugin-sdk/token-response.js";
import { PluginBootError } from "./plugin-loader.js";

/** Everything the enabled plugins contributed, validated and instantiated at boot. */
export interface PluginRegistries {
  grants: ReadonlyMap<string, GrantHandler>;
  clientAuthenticators: readonly ClientAuthenticator[];
  tokenCustomizers: readonly TokenCustomizer[];
  introspectionCustomizers: readonly IntrospectionCustomizer[];
  claimsProviders: readonly ClaimsProvider[];
  /** Login steps (first and second factors), in plugin order. */
  authenticators: readonly Authenticator[];
  endpoints: readonly PublicEndpoint[];
  discovery: readonly DiscoveryContributor[];
  /** Client metadata fields by name. */
  clientMetadataFields: ReadonlyMap<string, ClientMetadataField>;
  tokenResponseContributors: readonly TokenResponseContributor[];
  /** Token-exchange policies (RFC 8693 §5), in plugin order; every one must permit an exchange. */
  tokenExchangePolicies: readonly TokenExchangePolicy[];
  /** Attestation verifiers (RFC 9334) by the evidence format each one understands. */
  attestationVerifiers: ReadonlyMap<string, AttestationVerifier>;
  /** Receivers of audit events, in plugin order. */
  auditSinks: readonly AuditSink[];
  /** The id of the module that contributed each instance (its namespace in the single-use store). */
  ownerOf(contribution: object): string;
  /** Ids of the loaded modules, in load order. */
  moduleIds: readonly string[];
}

/** Turns a contributed class into an instance: `new` without arguments by default; the app resolves it through DI. */
export type Instantiator = (module: PluginModule, options: Readonly<Record<string, unknown>>, contribution: new (...args: never[]) => unknown) => unknown;

const construct: Instantiator = (_module, _options, contribution) => new (contribution as new () => unknown)();

/** Runs each module's register(), instantiates its contributions, then builds registries; duplicates fail the boot (DESIGN "Plugin contracts"). */
export function buildRegistries(
  modules: readonly PluginModule[],
  options: Readonly<Record<string, Record<string, unknown>>>,
  instantiate: Instantiator = construct,
): PluginRegistries {
  const contributions = new Map<string, { owner: string; value: unknown }[]>();
  const owners = new WeakMap<object, string>();
  const seenIds = new Set<string>();
  for (const module of modules) {
    if (seenIds.has(module.id)) throw new PluginBootError(`plugin ${module.id}: loaded twice`);
    seenIds.add(module.id);
    const moduleOptions = Object.freeze({ ...(options[module.id] ?? {}) });
    const host: PluginHost = {
      options: moduleOptions,
      contribute<T>(point: ExtensionPoint<T>, contribution: Contribution<T>) {
        const value = typeof contribution === "function" ? instantiate(module, moduleOptions, contribution as new () => unknown) : contribution;
        if (typeof value === "object" && value !== null) owners.set(value, module.id);
        contributions.set(point.id, [...(contributions.get(point.id) ?? []), { owner: module.id, value }]);
      },
    };
    try {
      module.register(host);
    } catch (error) {
      throw error instanceof PluginBootError ? error : new PluginBootError(`plugin ${module.id}: ${(error as Error).message}`);
    }
  }
  const of = <T>(point: ExtensionPoint<T>) => (contributions.get(point.id) ?? []) as { owner: string; value: T }[];
  const grants = uniqueBy(of(ExtensionPoints.grants), (g) => g.grantType, "grant type");
  const authenticators = uniqueBy(of(ExtensionPoints.clientAuthenticators), (a) => a.method, "client authentication method");
  const loginSteps = [...uniqueBy(of(ExtensionPoints.authenticators), (a) => a.id, "authenticator").values()];
  // Browser sign-in (OIDC Core §3.1.2.3) needs a step that identifies the user; fail at boot, not at the first login.
  if (grants.has("authorization_code") && !loginSteps.some((a) => a.factor === "first")) {
    throw new PluginBootError("the authorization_code grant needs a first-factor authenticator (e.g. authn.password); none is enabled");
  }
  return {
    grants,
    clientAuthenticators: [...authenticators.values()],
    tokenCustomizers: [...uniqueBy(of(ExtensionPoints.tokenCustomizers), (h) => h.id, "token customizer").values()],
    introspectionCustomizers: [...uniqueBy(of(ExtensionPoints.introspectionCustomizers), (h) => h.id, "introspection customizer").values()],
    claimsProviders: [...uniqueBy(of(ExtensionPoints.claimsProviders), (h) => h.id, "claims provider").values()],
    authenticators: loginSteps,
    endpoints: [...uniqueBy(of(ExtensionPoints.endpoints), (e) => e.path, "endpoint path").values()],
    discovery: [...uniqueBy(of(ExtensionPoints.discovery), (d) => d.id, "discovery contributor").values()],
    clientMetadataFields: uniqueBy(of(ExtensionPoints.clientMetadata), (f) => f.name, "client metadata field"),
    tokenResponseContributors: [...uniqueBy(of(ExtensionPoints.tokenResponse), (c) => c.id, "token response contributor").values()],
    tokenExchangePolicies: [...uniqueBy(of(ExtensionPoints.tokenExchangePolicies), (p) => p.id, "token-exchange policy").values()],
    attestationVerifiers: verifiersByFormat(of(ExtensionPoints.attestationVerifiers)),
    auditSinks: [...uniqueBy(of(ExtensionPoints.auditSinks), (s) => s.id, "audit sink").values()],
    ownerOf(contribution) {
      const owner = owners.get(contribution);
      if (owner === undefined) throw new Error("not a plugin contribution");
      return owner;
    },
    moduleIds: [...seenIds],
  };
}

/** Each evidence format to the one verifier that understands it; a verifier id or a format claimed twice fails the boot. */
function verifiersByFormat(entries: { owner: string; value: AttestationVerifier }[]): Map<string, AttestationVerifier> {
  uniqueBy(entries, (v) => v.id, "attestation verifier");
  const formats = entries.flatMap(({ owner, value }) => {
    if (!Array.isArray(value.formats) || value.formats.length === 0) throw new PluginBootError(`plugin ${owner}: attestation verifier "${value.id}" names no evidence format`);
    return value.formats.map((format) => ({ owner, value: { format, verifier: value } }));
  });
  return new Map([...uniqueBy(formats, (f) => f.format, "attestation format")].map(([format, f]) => [format, f.verifier]));
}

function uniqueBy<T>(entries: { owner: string; value: T }[], key: (value: T) => string, what: string): Map<string, T> {
  const map = new Map<string, T>();
  const owners = new Map<string, string>();
  for (const { owner, value } of entries) {
    const name = key(value);
    if (typeof name !== "string" || name === "") throw new PluginBootError(`plugin ${owner}: contributes a ${what} without a name`);
    const previous = owners.get(name);
    if (previous) throw new PluginBootError(`duplicate ${what} "${name}": contributed by ${previous} and ${owner}`);
    owners.set(name, owner);
    map.set(name, value);
  }
  return map;
}
