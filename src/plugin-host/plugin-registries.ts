import type { Authenticator } from "../plugin-sdk/authenticator.js";
import type { ClientAuthenticator } from "../plugin-sdk/client-auth.js";
import type { GrantHandler } from "../plugin-sdk/grant.js";
import type { ClaimsProvider, IntrospectionCustomizer, TokenCustomizer } from "../plugin-sdk/hooks.js";
import { ExtensionPoints, type Contribution, type ExtensionPoint, type PluginHost, type PluginModule } from "../plugin-sdk/plugin-module.js";
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
  /** Ids of the loaded modules, in load order. */
  moduleIds: readonly string[];
}

const instantiate = <T>(contribution: Contribution<T>): T =>
  typeof contribution === "function" ? new (contribution as new () => T)() : contribution;

/** Runs each module's register(), then builds registries; duplicates fail the boot (DESIGN "Plugin contracts"). */
export function buildRegistries(modules: readonly PluginModule[], options: Readonly<Record<string, Record<string, unknown>>>): PluginRegistries {
  const contributions = new Map<string, { owner: string; value: unknown }[]>();
  const seenIds = new Set<string>();
  for (const module of modules) {
    if (seenIds.has(module.id)) throw new PluginBootError(`plugin ${module.id}: loaded twice`);
    seenIds.add(module.id);
    const host: PluginHost = {
      options: options[module.id] ?? {},
      contribute<T>(point: ExtensionPoint<T>, contribution: Contribution<T>) {
        const list = contributions.get(point.id) ?? [];
        list.push({ owner: module.id, value: instantiate(contribution) });
        contributions.set(point.id, list);
      },
    };
    module.register(host);
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
    moduleIds: [...seenIds],
  };
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
