import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { audiencesOf } from "../../plugin-sdk/jwt-audience.js";
import { DI } from "../di-tokens.js";
import { JwtVerifier } from "../keys/jwt-verifier.js";

/** What an id_token_hint tells about the End-User and the RP (OIDC Core §2). */
export interface IdTokenHint {
  /** The `sub` claim as issued to the client (pairwise when the client uses pairwise subjects). */
  subject: string;
  /** The `aud` claim as a list. */
  audiences: string[];
  /** The `sid` claim, when the ID token had one (OIDC Back-Channel Logout §2.1). */
  sessionId?: string;
}

const INVALID = "id_token_hint is invalid";

/**
 * Verifies an `id_token_hint` (OIDC Core §3.1.2.1, OIDC RP-Initiated Logout §2): an ID token this server signed (typ
 * JWT, a published key, `iss` = issuer); expiry is NOT checked, because the hint is often an expired token. Anything
 * else — unsigned (`alg: none`), unknown `kid`, bad signature, another token type, a foreign issuer — is invalid_request.
 */
@injectable()
export class IdTokenHintVerifier {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(JwtVerifier) private readonly verifier: JwtVerifier,
  ) {}

  /** Returns the hint's subject, audiences and sid; throws OAuthError invalid_request ("id_token_hint is invalid"). */
  async verify(hint: string): Promise<IdTokenHint> {
    const result = await this.verifier.verify(hint, { typ: "JWT" });
    if (!result.valid) throw OAuthErrors.invalidRequest(INVALID, { cause: result.reason });
    const { iss, sub, aud, sid } = result.payload;
    if (iss !== this.config.issuer) throw OAuthErrors.invalidRequest(INVALID, { cause: "foreign iss" });
    if (typeof sub !== "string" || sub === "") throw OAuthErrors.invalidRequest(INVALID, { cause: "missing sub" });
    const audiences = audiencesOf(aud);
    if (audiences.length === 0) throw OAuthErrors.invalidRequest(INVALID, { cause: "missing aud" });
    if (sid !== undefined && typeof sid !== "string") throw OAuthErrors.invalidRequest(INVALID, { cause: "malformed sid" });
    return sid === undefined ? { subject: sub, audiences } : { subject: sub, audiences, sessionId: sid };
  }
}
