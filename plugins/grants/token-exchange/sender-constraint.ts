import { OAuthErrors, type ExchangedToken, type TokenExchangePermit } from "portcullis/plugin-sdk";

/**
 * An exchanged token is never less sender-constrained than the tokens presented (RFC 9449 §6, RFC 8705 §3) unless every
 * policy releases the constraint. Core does not verify DPoP proofs or client certificates at the token endpoint yet,
 * so a bound (`cnf`) subject or actor token cannot be proven and is refused. Hook for the sender-constraint work: once
 * GrantRequest carries core's verified proof key, a token bound to that very key passes, and core binds what it mints
 * to the same key (DESIGN "Proof of possession is core's").
 */
export function assertSenderConstraint(presented: Readonly<Record<string, ExchangedToken | undefined>>, permit: TokenExchangePermit): void {
  if (permit.releaseSenderConstraint) return;
  for (const [role, token] of Object.entries(presented)) {
    if (token?.confirmation !== undefined) throw OAuthErrors.invalidRequest(`${role} is sender-constrained and no proof of its key was presented`);
  }
}
