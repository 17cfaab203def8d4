import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { DI } from "../di-tokens.js";
import { JwtSigner } from "../keys/jwt-signer.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { secretDigest } from "../security/digest.js";
import {
  MAX_ACCESS_TOKEN_TTL,
  type AccessTokenClaims,
  type AccessTokenMinter,
  type AccessTokenMintRequest,
  type IssuedAccessToken,
} from "./access-token.js";

/** The JOSE type of JWT access tokens (RFC 9068 §2.1). */
export const ACCESS_TOKEN_TYP = "at+jwt";

/** EphemeralStore key of an opaque access token: its SHA-256 digest, never the value (DESIGN "State"). */
export function opaqueTokenKey(digest: string): string {
  return `at:${digest}`;
}

/** Claims that only core sets (RFC 9068 §2.2, RFC 7519 §4.1), plus `__proto__`; extra claims with these names are dropped. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "client_id", "scope", "gid", "cnf", "__proto__"]);

/** Mints access tokens: RFC 9068 JWTs signed with the ACCESS_TOKEN_ALG key, or 256-bit opaque references kept as digests. */
@injectable()
export class JwtAccessTokenMinter implements AccessTokenMinter {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(JwtSigner) private readonly signer: JwtSigner,
  ) {}

  /** Lifetimes above MAX_ACCESS_TOKEN_TTL are capped; JWTs are signed, opaque tokens stored for exactly their lifetime. */
  async mint(request: AccessTokenMintRequest): Promise<IssuedAccessToken> {
    const ttl = Math.min(request.ttl, MAX_ACCESS_TOKEN_TTL);
    const claims = this.#claims(request, ttl);
    if (request.format === "jwt") {
      return { token: this.signer.sign(this.config.accessTokenAlg, ACCESS_TOKEN_TYP, claims), format: "jwt", expiresIn: ttl, claims };
    }
    const token = this.random.token(32);
    await this.store.put(opaqueTokenKey(secretDigest(token)), JSON.stringify(claims), ttl * 1000);
    return { token, format: "opaque", expiresIn: ttl, claims };
  }

  /** RFC 9068 §2.2 claims; `aud` is a string for one audience, the issuer when none. */
  #claims(request: AccessTokenMintRequest, ttl: number): AccessTokenClaims {
    const iat = Math.floor(this.clock.now() / 1000);
    const { audiences, scopes, grantId, confirmation } = request;
    const claims: AccessTokenClaims = {
      iss: this.config.issuer,
      sub: request.subject,
      aud: audiences.length === 0 ? this.config.issuer : audiences.length === 1 ? audiences[0]! : [...audiences],
      exp: iat + ttl,
      iat,
      jti: this.random.id(),
      client_id: request.client.clientId,
    };
    if (scopes.length > 0) claims.scope = scopes.join(" ");
    if (grantId !== undefined) claims.gid = grantId;
    if (confirmation !== undefined) claims.cnf = confirmation;
    for (const [name, value] of Object.entries(request.extraClaims ?? {})) {
      if (!RESERVED_CLAIMS.has(name) && value !== undefined) claims[name] = value;
    }
    return claims;
  }
}
