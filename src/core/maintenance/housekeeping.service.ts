import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { RETAINED_CHANGES } from "../changes/change-feed.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { DurableStorage } from "../ports/repositories.js";

/**
 * Deletes durable rows nobody can use any more: expired grants with their refresh tokens (RFC 6749 §6), ended or
 * expired SSO sessions, and change-log entries beyond the retained ones. Idempotent, so every node may run it;
 * ephemeral state expires by TTL on its own.
 */
@injectable()
export class HousekeepingService {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Logger) private readonly logger: Logger,
  ) {}

  /** Runs `sweep` every HOUSEKEEPING_INTERVAL seconds (the timer never keeps the process alive). */
  start(): void {
    this.stop();
    const run = () => void this.sweep().catch((err: unknown) => this.logger.warn({ err }, "housekeeping failed"));
    this.#timer = setInterval(run, this.config.housekeepingInterval * 1000).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One pass; returns how many rows were removed. */
  async sweep(): Promise<{ grants: number; sessions: number; changes: number }> {
    const now = this.clock.now();
    const removed = {
      grants: await this.storage.grants.purgeExpired(now),
      sessions: await this.storage.sessions.purge(now),
      changes: await this.storage.changes.purge(RETAINED_CHANGES),
    };
    if (removed.grants + removed.sessions + removed.changes > 0) this.logger.info(removed, "housekeeping removed expired rows");
    return removed;
  }
}
