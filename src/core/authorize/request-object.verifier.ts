import { decodeProtectedHeader, errors, type JWTPayload } from "jose";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { CLIENT_KEY_ALGORITHMS, ClientJwksCache } from "../clients/client-jwks-cache.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import { SafeFetchError } from "../security/safe-fetch.js";

/** Longest accepted request object lifetime, exp − nbf, and oldest accepted nbf (FAPI 2.0 Message Signing §5.3.1; seconds). */
export const MAX_REQUEST_OBJECT_LIFETIME = 3600;

const reject = (reason: string, cause?: unknown) => OAuthErrors.invalidRequestObject(`request object rejected: ${reason}`, { cause });

/**
 * Verifies signed request objects (RFC 9101 §6, OIDC Core §6.3): a JWS with an asymmetric alg (the client's registered
 * request_object_signing_alg when set; never none or HMAC), signed with the client's own keys; iss (when present) and
 * client_id equal the client; aud is the issuer (or an array holding it); exp and nbf present, nbf at most 60 minutes
 * old and exp − nbf at most 60 minutes, both within CLOCK_TOLERANCE. Every failure is `invalid_request_object`.
 */
@injectable()
export class RequestObjectVerifier {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(ClientJwksCache) private readonly jwks: ClientJwksCache,
  ) {}

  /** The verified claims of `jwt`, signed by `client` (RFC 9101 §6.2); throws `invalid_request_object`. */
  async verify(jwt: string, client: Client): Promise<JWTPayload> {
    const alg = this.algorithm(jwt, client);
    const now = this.clock.now();
    let payload: JWTPayload;
    try {
      payload = await this.jwks.verify(client, jwt, {
        algorithms: [alg],
        audience: this.config.issuer,
        requiredClaims: ["exp", "nbf"],
        currentDate: new Date(now),
        clockTolerance: this.config.clockTolerance,
      });
    } catch (cause) {
      if (cause instanceof SafeFetchError) throw reject("client keys unavailable", cause);
      throw cause instanceof errors.JOSEError ? reject("invalid signature or claims", cause) : cause;
    }
    this.checkClaims(payload, client, now / 1000);
    return payload;
  }

  /** The header's alg when allowed for this client (RFC 9101 §6.1, OIDC Registration §2 request_object_signing_alg). */
  private algorithm(jwt: string, client: Client): string {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(jwt).alg;
    } catch (cause) {
      throw reject("not a JWT", cause);
    }
    const registered = client.metadata.request_object_signing_alg;
    if (typeof alg !== "string" || !CLIENT_KEY_ALGORITHMS.has(alg) || (registered !== undefined && alg !== registered)) {
      // alg none (unsigned), HMAC and JWE request objects are not supported (RFC 9101 §6.1; none is not advertised).
      throw reject("signing algorithm not allowed", { alg, registered });
    }
    return alg;
  }

  private checkClaims(payload: JWTPayload, client: Client, nowSeconds: number): void {
    if (payload.iss !== undefined && payload.iss !== client.clientId) throw reject("iss must be the client_id");
    if (payload.client_id !== undefined && payload.client_id !== client.clientId) throw reject("client_id does not match the client_id parameter");
    const { exp, nbf } = payload as { exp: number; nbf: number };
    if (nowSeconds - nbf > MAX_REQUEST_OBJECT_LIFETIME) throw reject("nbf is more than 60 minutes in the past");
    if (exp - nbf > MAX_REQUEST_OBJECT_LIFETIME) throw reject("lifetime (exp - nbf) exceeds 60 minutes");
  }
}
