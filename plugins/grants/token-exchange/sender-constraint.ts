import { OAuthErrors, provesConfirmation, type ExchangedToken, type SenderBinding, type TokenExchangePermit } from "portcullis/plugin-sdk";

/**
 * An exchanged token is never less sender-constrained than the tokens presented (RFC 9449 §6, RFC 8705 §3): a bound
 * (`cnf`) subject or actor token passes only when the request proved its key, which core read before the grant ran
 * (`GrantRequest.binding`) and binds the new token to (DESIGN "Proof of possession is core's"), or when every policy
 * releases the constraint.
 */
export function assertSenderConstraint(presented: Readonly<Record<string, ExchangedToken | undefined>>, permit: TokenExchangePermit, proven: SenderBinding): void {
  if (permit.releaseSenderConstraint) return;
  for (const [role, token] of Object.entries(presented)) {
    if (token?.confirmation === undefined || provesConfirmation(proven, token.confirmation)) continue;
    const nothingProven = proven.jkt === undefined && proven.x5tS256 === undefined;
    throw OAuthErrors.invalidRequest(nothingProven ? `${role} is sender-constrained and no proof of its key was presented` : `${role} is sender-constrained to another key`);
  }
}
