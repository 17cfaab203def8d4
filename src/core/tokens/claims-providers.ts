import type { InjectionToken } from "tsyringe";
import type { ClaimsProvider, ClaimsRequest } from "../../plugin-sdk/hooks.js";

/** The claims providers: core's user-record provider first, then those contributed by plugins (registered as a value). */
export const ClaimsProvidersToken: InjectionToken<readonly ClaimsProvider[]> = Symbol("ClaimsProviders");

/** Claims only core sets (OIDC Core §2, §5.3.2, RFC 7519 §4.1, RFC 7800 §3.1), plus `__proto__`; providers cannot set them. */
const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "auth_time", "nonce", "acr", "amr", "sid", "azp", "at_hash", "c_hash", "cnf", "__proto__",
]);

/**
 * Non-reserved claims from the global providers and those the client opted into via `hooks`, in provider order
 * (a later provider's value wins) (OIDC Core §5.1, §5.5).
 */
export async function collectClaims(providers: readonly ClaimsProvider[], request: ClaimsRequest): Promise<Record<string, unknown>> {
  const applicable = providers.filter((p) => p.global === true || request.client.metadata.hooks?.includes(p.id));
  const results = await Promise.all(applicable.map((p) => p.claims(request)));
  const claims: Record<string, unknown> = {};
  for (const result of results) {
    for (const [name, value] of Object.entries(result)) if (!RESERVED_CLAIMS.has(name) && value !== undefined) claims[name] = value;
  }
  return claims;
}
