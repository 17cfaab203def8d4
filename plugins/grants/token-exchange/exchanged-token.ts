import { audiencesOf, OAuthErrors, TokenTypes, type ExchangedToken, type GrantContext, type GrantRequest, type IssuedTokenFacts } from "portcullis/plugin-sdk";

/** The token types read through core's issued tokens; `jwt` is read through the trusted-issuer registry instead. */
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
  if (type === TokenTypes.jwt) return readTrustedJwt(role, token, request, ctx, issuer);
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

/**
 * A `jwt` token (RFC 8693 §3) from an issuer the operator trusts for token exchange and this client: its `aud` must
 * name this server (issuer or token endpoint) or the exchanging client. Its subject is the mapped local user (then it
 * stands for a user of this issuer), or the outside `sub` of the outside issuer under pass-through mapping; its scopes
 * are its `scope` claim (none without one: scopes only narrow).
 */
async function readTrustedJwt(role: "subject" | "actor", token: string, request: GrantRequest, ctx: GrantContext, issuer: string): Promise<ExchangedToken> {
  const clientId = request.client.client.clientId;
  const result = await ctx.trustedIssuers.verify(token, { use: "token-exchange", clientId, audiences: [issuer, `${issuer}/token`, clientId], singleUse: false });
  if (!result.ok) throw OAuthErrors.invalidRequest(`${role}_token rejected: ${result.description}`);
  const { jwt } = result;
  const cnf = jwt.claims.cnf;
  return Object.freeze({
    type: TokenTypes.jwt,
    issuer: jwt.user ? issuer : jwt.issuer,
    subject: jwt.user?.id ?? jwt.subject,
    ...(typeof jwt.claims.client_id === "string" && { clientId: jwt.claims.client_id }),
    scopes: typeof jwt.claims.scope === "string" ? jwt.claims.scope.split(" ").filter(Boolean) : [],
    audiences: audiencesOf(jwt.claims.aud),
    expiresAt: jwt.expiresAt,
    ...(typeof cnf === "object" && cnf !== null && { confirmation: cnf as Record<string, string> }),
    claims: jwt.claims,
  });
}
