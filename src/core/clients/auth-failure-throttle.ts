import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";

/**
 * Throttles failed client authentication per remote address and per claimed client id (RFC 6749 §10.10, corpus S118):
 * after `authFailureLimit` failures in `rateLimitWindow` seconds the subject is locked for one window.
 */
@injectable()
export class AuthFailureThrottle {
  constructor(
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Throws 429 `too_many_requests` with Retry-After when the address or the client is locked; one store round trip. */
  async check(remoteAddress: string, clientId: string | undefined): Promise<void> {
    const keys = this.subjects(remoteAddress, clientId).map((subject) => `authfail:lock:${subject}`);
    const lockedKey = keys[(await this.store.exists(keys)).indexOf(true)];
    if (lockedKey === undefined) return;
    const remainingMs = (await this.store.ttl(lockedKey)) ?? this.config.rateLimitWindow * 1000;
    throw OAuthErrors.tooManyRequests("too many failed client authentications, retry later", {
      headers: { "retry-after": String(Math.max(1, Math.ceil(remainingMs / 1000))) },
    });
  }

  /** Counts one failure for the address and the client, locking whichever reaches the limit. */
  async record(remoteAddress: string, clientId: string | undefined): Promise<void> {
    const windowMs = this.config.rateLimitWindow * 1000;
    await Promise.all(
      this.subjects(remoteAddress, clientId).map(async (subject) => {
        const failures = await this.store.increment(`authfail:count:${subject}`, windowMs);
        if (failures >= this.config.authFailureLimit) await this.store.put(`authfail:lock:${subject}`, "1", windowMs);
      }),
    );
  }

  private subjects(remoteAddress: string, clientId: string | undefined): string[] {
    return clientId === undefined ? [`ip:${remoteAddress}`] : [`ip:${remoteAddress}`, `client:${clientId}`];
  }
}
