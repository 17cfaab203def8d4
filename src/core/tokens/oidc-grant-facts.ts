import type { AuthenticationFacts, RedeemedCode } from "../../plugin-sdk/grant.js";

/** What later token responses of an OpenID grant need from its authorization (OIDC Core §12.2, §5.5): not the code's nonce or sid. */
export type OidcGrantFacts = Pick<AuthenticationFacts, "authTime" | "acr" | "amr" | "requestedClaims">;

/**
 * The grant-claims member that keeps OidcGrantFacts with a refresh-token grant. Core strips it before claims reach
 * an access token or a customizer, and from every grant decision (a plugin cannot forge it).
 */
const FACTS_MEMBER = "_oidc";

/** The facts of a redeemed code. */
export function factsOfCode(code: RedeemedCode): OidcGrantFacts {
  return { authTime: code.authTime, acr: code.acr, amr: code.amr, requestedClaims: code.requestedClaims };
}

/** Grant claims with `facts` attached (for RefreshTokenService.issue). */
export function withFacts(claims: Record<string, unknown>, facts: OidcGrantFacts): Record<string, unknown> {
  return { ...claims, [FACTS_MEMBER]: facts };
}

/** Splits stored grant claims into the claims that may reach access tokens and the facts, if any. */
export function splitFacts(claims: Record<string, unknown> | undefined): { claims: Record<string, unknown>; facts?: OidcGrantFacts } {
  if (claims === undefined || !Object.hasOwn(claims, FACTS_MEMBER)) return { claims: claims ?? {} };
  const { [FACTS_MEMBER]: facts, ...rest } = claims;
  return { claims: rest, facts: facts as OidcGrantFacts };
}
