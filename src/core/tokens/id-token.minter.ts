import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import type { ClaimsProvider } from "../../plugin-sdk/hooks.js";
import { DI } from "../di-tokens.js";
import { isSigningAlg, JwtSigner } from "../keys/jwt-signer.js";
import type { SigningAlg } from "../keys/key-service.js";
import type { Clock } from "../ports/clock.js";
import { SubjectResolver } from "../users/subject-resolver.js";
import { ClaimsProvidersToken, collectClaims } from "./claims-providers.js";
import { tokenHash } from "./token-hash.js";
import { CLIENT_METADATA_DEFAULTS, idTokenAlgOf } from "../../plugin-sdk/client-metadata-defaults.js";

/** ID token lifetime in seconds when the caller gives none. */
export const DEFAULT_ID_TOKEN_TTL = 3600;

/** What the authorization and token endpoints know when they issue an ID token (OIDC Core §2). */
export interface IdTokenMintRequest {
  client: Client;
  /** The local user id; the token's `sub` is what SubjectResolver makes of it for the client (OIDC Core §8). */
  subject: string;
  nonce?: string;
  /** Epoch seconds of the end-user authentication. */
  authTime?: number;
  acr?: string;
  amr?: string[];
  sessionId?: string;
  /** The access token issued alongside, for at_hash (OIDC Core §3.2.2.10). */
  accessToken?: string;
  /** The authorization code issued alongside, for c_hash (OIDC Core §3.3.2.11). */
  code?: string;
  scopes: readonly string[];
  /** The `id_token` member of the `claims` request parameter (OIDC Core §5.5). */
  requestedClaims?: Record<string, unknown>;
  /** Lifetime in seconds; DEFAULT_ID_TOKEN_TTL when absent. */
  ttl?: number;
  /** No access token is issued with it (response_type "id_token"): the claims of the scopes go into the ID token (OIDC Core §5.4). */
  scopeClaims?: boolean;
}

/** Mints ID tokens (OIDC Core §2) signed with the client's id_token_signed_response_alg, RS256 by default (OIDC Registration §2). */
@injectable()
export class IdTokenMinter {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(JwtSigner) private readonly signer: JwtSigner,
    @inject(ClaimsProvidersToken) private readonly providers: readonly ClaimsProvider[],
    @inject(SubjectResolver) private readonly subjects: SubjectResolver,
  ) {}

  /**
   * Returns a compact JWS with typ "JWT"; unsigned (alg "none", OIDC Core §10.1) only for clients that registered
   * "none" while the operator allows it (UNSIGNED_ID_TOKENS): once that is switched off they get RS256.
   */
  async mint(request: IdTokenMintRequest): Promise<string> {
    const registered = idTokenAlgOf(request.client.metadata);
    const alg = registered === "none" && !this.config.unsignedIdTokens ? CLIENT_METADATA_DEFAULTS.id_token_signed_response_alg : registered;
    if (alg !== "none" && !isSigningAlg(alg)) throw new Error(`id_token_signed_response_alg "${alg}" is not supported`);
    const { client, subject, scopes, requestedClaims } = request;
    const [sub, provided, scoped] = await Promise.all([
      this.subjects.forClient(client, subject),
      collectClaims(this.providers, { subject, client, scopes, target: "id_token", ...(requestedClaims ? { requestedClaims } : {}) }),
      request.scopeClaims ? collectClaims(this.providers, { subject, client, scopes, target: "userinfo" }) : undefined,
    ]);
    const claims = { ...this.#coreClaims(request, sub, alg === "none" ? undefined : alg), ...scoped, ...provided };
    if (alg !== "none") return this.signer.sign(alg, "JWT", claims);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
  }

  /** OIDC Core §2 claims; at_hash/c_hash use the hash of `alg` and are omitted for unsigned tokens, which have none. */
  #coreClaims(request: IdTokenMintRequest, sub: string, alg: SigningAlg | undefined): Record<string, unknown> {
    const iat = Math.floor(this.clock.now() / 1000);
    const clientId = request.client.clientId;
    const claims: Record<string, unknown> = {
      iss: this.config.issuer,
      sub,
      aud: clientId,
      exp: iat + (request.ttl ?? DEFAULT_ID_TOKEN_TTL),
      iat,
    };
    if (request.authTime !== undefined) claims.auth_time = request.authTime;
    if (request.nonce !== undefined) claims.nonce = request.nonce;
    if (request.acr !== undefined) claims.acr = request.acr;
    if (request.amr !== undefined && request.amr.length > 0) claims.amr = [...request.amr];
    if (request.sessionId !== undefined) claims.sid = request.sessionId;
    claims.azp = clientId;
    if (alg !== undefined && request.accessToken !== undefined) claims.at_hash = tokenHash(request.accessToken, alg);
    if (alg !== undefined && request.code !== undefined) claims.c_hash = tokenHash(request.code, alg);
    return claims;
  }
}
