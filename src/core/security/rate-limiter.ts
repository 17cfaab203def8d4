import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";

/** Fixed-window request counters in the ephemeral store (shared by every node), for endpoints open to scanning or bursts. */
@injectable()
export class RateLimiter {
  constructor(
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Counts one request for `bucket`; past `limit` per RATE_LIMIT_WINDOW throws 429 with Retry-After (RFC 6585 §4). */
  async hit(bucket: string, limit: number): Promise<void> {
    const window = this.config.rateLimitWindow;
    if ((await this.store.increment(`rl:${bucket}`, window * 1000)) > limit) {
      throw OAuthErrors.tooManyRequests("rate limit exceeded, retry later", { headers: { "retry-after": String(window) } });
    }
  }
}
