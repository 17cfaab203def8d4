import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { AuthenticatedUser, IssuedTokenFacts, IssuedTokens } from "../../plugin-sdk/capabilities.js";
import { audiencesOf } from "../../plugin-sdk/jwt-audience.js";
import { ClientCache } from "../clients/client-cache.js";
import { DI } from "../di-tokens.js";
import { JwtVerifier } from "../keys/jwt-verifier.js";
import type { Clock } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import { vouch } from "../security/vouched.js";
import type { ActiveToken, TokenValidator } from "../tokens/access-token.js";
import { splitFacts } from "../tokens/oidc-grant-facts.js";

type Claims = Record<string, unknown>;

/** The authentication recorded in claims (RFC 9068 §2.2.1 / OIDC Core §2: auth_time, acr, amr), vouched; undefined without auth_time. */
function authenticationIn(claims: Claims, subject: string, sessionId?: unknown): AuthenticatedUser | undefined {
  const { auth_time: authTime, acr, amr } = claims;
  if (typeof authTime !== "number") return undefined;
  return vouch({
    subject,
    authTime,
    amr: Array.isArray(amr) ? amr.filter((m): m is string => typeof m === "string") : [],
    ...(typeof acr === "string" && { acr }),
    ...(typeof sessionId === "string" && { sessionId }),
  });
}

/**
 * Tokens this server issued, as plugins see them (PluginTokens.Tokens, GrantContext.tokens): access and refresh tokens
 * through the token validator (signature, expiry, revocation, client), ID tokens by signature, `typ`, issuer and expiry.
 * An ID token of a pairwise client names the user only by its pairwise `sub`, so it carries no authentication. Facts are
 * vouched, so a grant can hand them back (`GrantDecision.derivedFrom`) but not forge them.
 */
@injectable()
export class IssuedTokensService implements IssuedTokens {
  constructor(
    @inject(DI.TokenValidator) private readonly validator: TokenValidator,
    @inject(JwtVerifier) private readonly verifier: JwtVerifier,
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(ClientCache) private readonly clients: ClientCache,
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
  ) {}

  async validate(token: string, kind?: IssuedTokenFacts["kind"]): Promise<IssuedTokenFacts | undefined> {
    if (kind === undefined || kind === "access_token") {
      const active = await this.validator.validateAccessToken(token);
      if (active) return this.facts(active, authenticationIn(active.claims as unknown as Claims, active.subject) ?? (await this.grantAuthentication(active)));
    }
    if (kind === undefined || kind === "refresh_token") {
      const active = await this.validator.validateRefreshToken(token);
      if (active) return this.facts(active, await this.grantAuthentication(active));
    }
    return kind === undefined || kind === "id_token" ? this.idToken(token) : undefined;
  }

  private facts(active: ActiveToken, authentication: AuthenticatedUser | undefined): IssuedTokenFacts {
    const claims = active.claims as unknown as Claims;
    return vouch({
      kind: active.kind,
      subject: active.subject,
      clientId: active.clientId,
      scopes: active.scopes,
      audiences: active.audiences,
      issuedAt: active.issuedAt,
      expiresAt: active.expiresAt,
      ...(active.grantId !== undefined && { grantId: active.grantId }),
      ...(active.claims.cnf && { confirmation: active.claims.cnf as Record<string, string> }),
      claims,
      ...(authentication && { authentication }),
    });
  }

  /** The end-user authentication the token's grant records (OIDC Core §12.2: kept for refreshed ID tokens). */
  private async grantAuthentication(active: ActiveToken): Promise<AuthenticatedUser | undefined> {
    const grant = active.grantId === undefined ? undefined : await this.storage.grants.findGrant(active.grantId);
    const facts = splitFacts(grant?.claims).facts;
    if (!grant || facts?.authTime === undefined) return undefined;
    return vouch({ subject: grant.subject, authTime: facts.authTime, amr: facts.amr ?? [], ...(facts.acr !== undefined && { acr: facts.acr }) });
  }

  /** An unexpired ID token of a client that still exists (OIDC Core §3.1.3.7 checks, for our own tokens). */
  private async idToken(token: string): Promise<IssuedTokenFacts | undefined> {
    const result = await this.verifier.verify(token, { typ: "JWT" });
    if (!result.valid) return undefined;
    const claims = result.payload;
    const { iss, sub, aud, azp, exp, iat } = claims;
    const audiences = audiencesOf(aud);
    const clientId = typeof azp === "string" ? azp : audiences.length === 1 ? audiences[0] : undefined;
    if (iss !== this.config.issuer || typeof sub !== "string" || typeof exp !== "number" || typeof iat !== "number" || clientId === undefined) return undefined;
    if (exp * 1000 <= this.clock.now()) return undefined;
    const client = await this.clients.find(clientId);
    if (!client) return undefined;
    const authentication = client.metadata.subject_type === "pairwise" ? undefined : authenticationIn(claims, sub, claims.sid);
    return vouch<IssuedTokenFacts>({ kind: "id_token", subject: sub, clientId, scopes: [], audiences, issuedAt: iat, expiresAt: exp, claims, ...(authentication && { authentication }) });
  }
}
