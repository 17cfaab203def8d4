import type { Redis } from "ioredis";
import type { Clock } from "../../core/ports/clock.js";
import type { Logger } from "../../core/ports/logger.js";

/**
 * From when (epoch ms, our clock) a Redis node still holds what was written to it (corpus S107): its start, read from
 * `INFO server` (`uptime_in_seconds`) at every (re)connection. Between a reconnection and that answer it is "now", so
 * a restart that emptied Redis is never mistaken for the old server. Unknown (−∞) until first read or when INFO is denied.
 */
export class RedisMemorySpan {
  #since = Number.NEGATIVE_INFINITY;
  #reported = false;

  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {
    redis.on("ready", () => void this.read(true));
    if (redis.status === "ready") void this.read(false);
  }

  get since(): number {
    return this.#since;
  }

  private async read(reconnected: boolean): Promise<void> {
    if (reconnected) this.#since = this.clock.now();
    try {
      const uptime = /^uptime_in_seconds:(\d+)/m.exec(await this.redis.info("server"))?.[1];
      if (uptime !== undefined) this.#since = this.clock.now() - Number(uptime) * 1000;
    } catch (error) {
      if (this.#reported) return;
      this.#reported = true;
      this.logger?.warn({ err: (error as Error).message }, "redis INFO unavailable: replay caches cannot tell a restart that emptied Redis");
    }
  }
}
