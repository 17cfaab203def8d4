import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import { FailureLockout } from "../security/failure-lockout.js";

/**
 * Throttles failed client authentication per remote address and per claimed client id (RFC 6749 §10.10, corpus S118):
 * after `authFailureLimit` failures in `rateLimitWindow` seconds the subject is locked for one window.
 */
@injectable()
export class AuthFailureThrottle {
  constructor(
    @inject(FailureLockout) private readonly lockout: FailureLockout,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Throws 429 `too_many_requests` with Retry-After when the address or the client is locked; one store round trip. */
  async check(remoteAddress: string, clientId: string | undefined): Promise<void> {
    const retryAfter = await this.lockout.retryAfter(this.subjects(remoteAddress, clientId), this.windowMs());
    if (retryAfter === undefined) return;
    throw OAuthErrors.tooManyRequests("too many failed client authentications, retry later", { headers: { "retry-after": String(retryAfter) } });
  }

  /** Counts one failure for the address and the client, locking whichever reaches the limit. */
  async record(remoteAddress: string, clientId: string | undefined): Promise<void> {
    const limit = this.config.authFailureLimit;
    await this.lockout.record(this.subjects(remoteAddress, clientId).map((key) => ({ key, limit })), this.windowMs());
  }

  private windowMs(): number {
    return this.config.rateLimitWindow * 1000;
  }

  private subjects(remoteAddress: string, clientId: string | undefined): string[] {
    return clientId === undefined ? [`authfail:ip:${remoteAddress}`] : [`authfail:ip:${remoteAddress}`, `authfail:client:${clientId}`];
  }
}
