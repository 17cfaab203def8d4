import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";

/** A subject whose failures are counted (e.g. `authfail:ip:10.0.0.1`) and how many failures lock it. */
export interface LockoutSubject {
  key: string;
  limit: number;
}

/**
 * Failure counters with lockout in the ephemeral store, shared by every node (RFC 6749 §10.10, RFC 9700 §4.16 brute
 * force): failures are counted per subject in a fixed window; a subject reaching its limit is locked for one window.
 */
@injectable()
export class FailureLockout {
  constructor(@inject(DI.Ephemeral) private readonly store: EphemeralStore) {}

  /** Seconds until the first locked subject of `keys` unlocks (at least 1), or undefined when none is locked. */
  async retryAfter(keys: readonly string[], windowMs: number): Promise<number | undefined> {
    const locks = keys.map((key) => `${key}:lock`);
    const locked = locks[(await this.store.exists(locks)).indexOf(true)];
    if (locked === undefined) return undefined;
    return Math.max(1, Math.ceil(((await this.store.ttl(locked)) ?? windowMs) / 1000));
  }

  /** Counts one failure for each subject in a `windowMs` window, locking each that reaches its limit for `windowMs`. */
  async record(subjects: readonly LockoutSubject[], windowMs: number): Promise<void> {
    await Promise.all(
      subjects.map(async ({ key, limit }) => {
        if ((await this.store.increment(`${key}:count`, windowMs)) >= limit) await this.store.put(`${key}:lock`, "1", windowMs);
      }),
    );
  }
}
