import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import type { ClaimsProvider } from "../../plugin-sdk/hooks.js";
import { DI } from "../di-tokens.js";
import { isSigningAlg, JwtSigner } from "../keys/jwt-signer.js";
import type { SigningAlg } from "../keys/key-service.js";
import type { Clock } from "../ports/clock.js";
import { ClaimsProvidersToken } from "./claims-providers.js";
import { tokenHash } from "./token-hash.js";

/** ID token lifetime in seconds when the caller gives none. */
export const DEFAULT_ID_TOKEN_TTL = 3600;

/** What the authorization and token endpoints know when they issue an ID token (OIDC Core §2). */
export interface IdTokenMintRequest {
  client: Client;
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
}

/** Claims only core sets (OIDC Core §2, RFC 7519 §4.1, RFC 7800 §3.1), plus `__proto__`; providers cannot set them. */
const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "auth_time", "nonce", "acr", "amr", "sid", "azp", "at_hash", "c_hash", "cnf", "__proto__",
]);

/** Mints ID tokens (OIDC Core §2) signed with the client's id_token_signed_response_alg, RS256 by default (OIDC Registration §2). */
@injectable()
export class IdTokenMinter {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(JwtSigner) private readonly signer: JwtSigner,
    @inject(ClaimsProvidersToken) private readonly providers: readonly ClaimsProvider[],
  ) {}

  /** Returns a compact JWS with typ "JWT"; unsigned (alg "none", OIDC Core §10.1) only for clients that registered "none". */
  async mint(request: IdTokenMintRequest): Promise<string> {
    const alg = request.client.metadata.id_token_signed_response_alg ?? "RS256";
    if (alg !== "none" && !isSigningAlg(alg)) throw new Error(`id_token_signed_response_alg "${alg}" is not supported`);
    const claims = { ...this.#coreClaims(request, alg === "none" ? undefined : alg), ...(await this.#providedClaims(request)) };
    if (alg !== "none") return this.signer.sign(alg, "JWT", claims);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;
  }

  /** OIDC Core §2 claims; at_hash/c_hash use the hash of `alg` and are omitted for unsigned tokens, which have none. */
  #coreClaims(request: IdTokenMintRequest, alg: SigningAlg | undefined): Record<string, unknown> {
    const iat = Math.floor(this.clock.now() / 1000);
    const clientId = request.client.clientId;
    const claims: Record<string, unknown> = {
      iss: this.config.issuer,
      sub: request.subject,
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

  /** Non-reserved claims from the global providers and those the client opted into via `hooks` (OIDC Core §5.1, §5.5). */
  async #providedClaims(request: IdTokenMintRequest): Promise<Record<string, unknown>> {
    const { client, subject, scopes, requestedClaims } = request;
    const applicable = this.providers.filter((p) => p.global === true || client.metadata.hooks?.includes(p.id));
    const results = await Promise.all(
      applicable.map((p) => p.claims({ subject, client, scopes, target: "id_token", ...(requestedClaims ? { requestedClaims } : {}) })),
    );
    const claims: Record<string, unknown> = {};
    for (const result of results) {
      for (const [name, value] of Object.entries(result)) if (!RESERVED_CLAIMS.has(name) && value !== undefined) claims[name] = value;
    }
    return claims;
  }
}
