import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from "jose";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { ClientAssertionExpectation } from "../../plugin-sdk/client-auth.js";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { Sealer } from "../keys/key-service.js";
import type { Clock } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { existedBy } from "../security/existed-by.js";
import { SafeFetchError } from "../security/safe-fetch.js";
import { CLIENT_KEY_ALGORITHMS, ClientJwksCache } from "./client-jwks-cache.js";
import { secretExpired } from "./client-secret.js";

/** Algorithms per key source; never `none`, never HMAC with a public key (CVE-2015-2951, CVE-2016-10555). */
const ASSERTION_ALGORITHMS: Readonly<Record<ClientAssertionExpectation["keySource"], ReadonlySet<string>>> = {
  jwks: CLIENT_KEY_ALGORITHMS,
  secret: new Set(["HS256", "HS384", "HS512"]),
};

/** Longest accepted `jti`, which bounds the replay cache's keys. */
const MAX_JTI_LENGTH = 256;

const reject = (reason: string, cause?: unknown) => OAuthErrors.invalidClient(`client assertion rejected: ${reason}`, { cause });
const isJoseFailure = (error: unknown) => error instanceof errors.JOSEError;

/** Runs `step`, turning expected failures into `invalid_client` with `reason`; anything else (e.g. storage) propagates. */
async function orReject<T>(reason: string, expected: (error: unknown) => boolean, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    throw expected(cause) ? reject(reason, cause) : cause;
  }
}

/**
 * Verifies JWT client assertions (RFC 7523 §3, OIDC Core §9, FAPI 2.0): alg allow-list, signature with the client's
 * own keys or secret, iss = sub = client id, aud = the issuer identifier, bounded lifetime, iat/nbf within the clock
 * tolerance, and single-use `jti`. Every failure is 401 `invalid_client`; the detail goes to `cause`.
 */
@injectable()
export class ClientAssertionVerifier {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Sealer) private readonly sealer: Sealer,
    @inject(ClientJwksCache) private readonly jwks: ClientJwksCache,
  ) {}

  /** Accepts `assertion` as authentication of `client` or throws `invalid_client` (RFC 7523 §3). */
  async verify(assertion: string, client: Client, expectation: ClientAssertionExpectation): Promise<void> {
    const now = this.clock.now();
    const alg = this.algorithm(assertion, client, expectation);
    const options: JWTVerifyOptions = {
      algorithms: [alg],
      issuer: client.clientId,
      subject: client.clientId,
      requiredClaims: ["exp", "jti"],
      currentDate: new Date(now),
      clockTolerance: this.config.clockTolerance,
    };
    const payload = expectation.keySource === "secret" ? await this.verifyWithSecret(assertion, client, options) : await this.verifyWithKeys(assertion, client, options);
    this.checkAudience(payload.aud, client);
    const exp = this.checkTimes(payload, now);
    await this.consumeJti(payload.jti, client.clientId, exp * 1000 - now, existedBy(payload, this.config.clockTolerance));
  }

  /** The header's alg, when allowed for this key source and the client's registered signing alg (RFC 7591 §2). */
  private algorithm(assertion: string, client: Client, expectation: ClientAssertionExpectation): string {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(assertion).alg;
    } catch (cause) {
      throw reject("not a signed JWT", cause);
    }
    const registered = client.metadata.token_endpoint_auth_signing_alg;
    if (typeof alg !== "string" || !ASSERTION_ALGORITHMS[expectation.keySource].has(alg) || (registered !== undefined && alg !== registered)) {
      throw reject("signing algorithm not allowed", { alg, registered, keySource: expectation.keySource });
    }
    return alg;
  }

  private async verifyWithSecret(assertion: string, client: Client, options: JWTVerifyOptions): Promise<JWTPayload> {
    if (!client.secretSealed || secretExpired(client, this.clock.now())) throw reject("client has no usable secret");
    const secret = new TextEncoder().encode(this.sealer.unseal(client.secretSealed, client.clientId));
    return orReject("invalid signature or claims", isJoseFailure, async () => (await jwtVerify(assertion, secret, options)).payload);
  }

  /** Verifies with this client's keys only (ClientJwksCache refetches `jwks_uri` once on an unknown `kid`). */
  private async verifyWithKeys(assertion: string, client: Client, options: JWTVerifyOptions): Promise<JWTPayload> {
    try {
      return await this.jwks.verify(client, assertion, options);
    } catch (cause) {
      if (cause instanceof SafeFetchError) throw reject("client keys unavailable", cause);
      throw isJoseFailure(cause) ? reject("invalid signature or claims", cause) : cause;
    }
  }

  /** `aud` MUST be the issuer identifier string; the token endpoint URL or an array only with the client's compatibility flag (FAPI 2.0, CVE-2025-27370). */
  private checkAudience(aud: JWTPayload["aud"], client: Client): void {
    const { issuer } = this.config;
    const accepted = client.metadata.client_assertion_allow_endpoint_audience ? [issuer, `${issuer}/token`] : [issuer];
    const ok =
      typeof aud === "string" ? accepted.includes(aud) : accepted.length > 1 && Array.isArray(aud) && aud.some((value) => accepted.includes(value));
    if (!ok) throw reject("aud must be the issuer identifier", { aud });
  }

  /** `exp` at most `assertionMaxLifetime` ahead and `iat` not in the future, both within the clock tolerance (RFC 7523 §3); returns exp. */
  private checkTimes(payload: JWTPayload, now: number): number {
    const nowSeconds = now / 1000;
    const { clockTolerance, assertionMaxLifetime } = this.config;
    const exp = payload.exp as number;
    if (exp - nowSeconds > assertionMaxLifetime + clockTolerance) throw reject("lifetime too long", { exp, now: nowSeconds });
    if (payload.iat !== undefined && payload.iat > nowSeconds + clockTolerance) throw reject("iat is in the future", { iat: payload.iat });
    return exp;
  }

  /** Single use of `jti` until the assertion expires (RFC 7523 §3 item 7, OIDC Core §9). */
  private async consumeJti(jti: unknown, clientId: string, remainingMs: number, existed: number): Promise<void> {
    if (typeof jti !== "string" || jti === "" || jti.length > MAX_JTI_LENGTH) throw reject("jti is missing or too long");
    const ttl = Math.max(1, Math.ceil(remainingMs + this.config.clockTolerance * 1000));
    if (!(await this.store.firstUse(`jti:ca:${clientId}:${jti}`, ttl, existed))) throw reject("jti was already used");
  }
}
