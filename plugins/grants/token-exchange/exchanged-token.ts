import { OAuthErrors, TokenTypes, type ExchangedToken, type GrantContext, type GrantRequest, type IssuedTokenFacts } from "portcullis/plugin-sdk";

/**
 * The token types read through core's issued tokens. `jwt` (a JWT of a trusted outside issuer) joins once the
 * trusted-issuer registry is wired in, through an ExchangeJwtVerifier; until then it is unsupported.
 */
const KINDS: ReadonlyMap<string, IssuedTokenFacts["kind"]> = new Map([
  [TokenTypes.accessToken, "access_token"],
  [TokenTypes.refreshToken, "refresh_token"],
  [TokenTypes.idToken, "id_token"],
]);

/** Refresh tokens stay with their client (RFC 6749 §10.4); an ID token must name an enabled local user (a pairwise `sub` does not). */
async function refusal(facts: IssuedTokenFacts, role: string, request: GrantRequest, ctx: GrantContext): Promise<string | undefined> {
  if (facts.kind === "refresh_token" && facts.clientId !== request.client.client.clientId) return `${role}_token was issued to another client`;
  if (facts.kind !== "id_token") return undefined;
  const user = await ctx.users.findById(facts.subject);
  return user && !user.disabled ? undefined : `${role}_token does not name an active user`;
}

/**
 * Reads `<role>_token` as its declared `<role>_token_type` (RFC 8693 §2.1, §3): signature, expiry and revocation are
 * core's checks. Every failure is invalid_request (§2.2.2).
 */
export async function readExchangedToken(role: "subject" | "actor", request: GrantRequest, ctx: GrantContext, issuer: string): Promise<ExchangedToken> {
  const token = request.params.get(`${role}_token`);
  const type = request.params.get(`${role}_token_type`);
  if (token === undefined) throw OAuthErrors.invalidRequest(`${role}_token is required`);
  if (type === undefined) throw OAuthErrors.invalidRequest(`${role}_token_type is required`);
  const kind = KINDS.get(type);
  if (kind === undefined) throw OAuthErrors.invalidRequest(`unsupported ${role}_token_type`);
  const facts = await ctx.tokens.validate(token, kind);
  if (!facts) throw OAuthErrors.invalidRequest(`${role}_token is invalid, expired or revoked`);
  const refused = await refusal(facts, role, request, ctx);
  if (refused) throw OAuthErrors.invalidRequest(refused);
  return Object.freeze({
    type,
    issuer,
    subject: facts.subject,
    clientId: facts.clientId,
    scopes: facts.scopes,
    audiences: facts.audiences,
    expiresAt: facts.expiresAt,
    ...(facts.confirmation && { confirmation: facts.confirmation }),
    claims: facts.claims,
    issued: facts,
  });
}
