import { StorageUnavailableError } from "../../core/errors/storage-unavailable.js";
import type { Clock } from "../../core/ports/clock.js";
import type { EphemeralStore } from "../../core/ports/ephemeral-store.js";
import { ttlMillis } from "../ttl.js";

interface Entry {
  value: string;
  /** Epoch ms from the injected clock. */
  expiresAt: number;
}

export interface MemoryEphemeralOptions {
  /** Upper bound on live entries; when full, writes fail closed with StorageUnavailableError. */
  maxEntries?: number;
  /** Real-time interval of the expiry sweep. */
  sweepIntervalMs?: number;
  /** A monotonic time source in ms (default `performance.now`), measuring the time across a backward clock step. */
  monotonicNow?: () => number;
}

/**
 * Single-node ephemeral store (DESIGN "State"): expiry follows the injected Clock, checked on every read and
 * swept periodically; a clock that steps back is not followed, so nothing expired comes back (corpus S112). Every
 * operation is synchronous inside, so single use is atomic.
 */
export class MemoryEphemeralStore implements EphemeralStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #sweeper: NodeJS.Timeout;
  readonly #monotonicNow: () => number;
  /** The last clock reading, the monotonic time then, and the time this store used then. */
  #last = { wall: -Infinity, monotonic: 0, now: -Infinity };
  /** What the store adds to the clock since it stepped back. */
  #offset = 0;

  constructor(
    private readonly clock: Clock,
    options: MemoryEphemeralOptions = {},
  ) {
    this.#maxEntries = options.maxEntries ?? 1_000_000;
    this.#monotonicNow = options.monotonicNow ?? (() => performance.now());
    this.#sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000).unref();
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.write(key, value, ttlMs);
    return true;
  }

  /** The store lives and dies with the process, which starts with no replay memory (docs/decisions.md "Storage"). */
  async firstUse(key: string, ttlMs: number): Promise<boolean> {
    return this.putIfAbsent(key, "1", ttlMs);
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async exists(keys: readonly string[]): Promise<boolean[]> {
    return keys.map((key) => this.live(key) !== undefined);
  }

  async take(key: string): Promise<string | undefined> {
    const entry = this.live(key);
    this.#entries.delete(key);
    return entry?.value;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    if (!entry) {
      this.write(key, "1", ttlMs);
      return 1;
    }
    entry.value = String(Number(entry.value) + 1);
    return Number(entry.value);
  }

  async ttl(key: string): Promise<number | undefined> {
    const entry = this.live(key);
    return entry && entry.expiresAt - this.now();
  }

  /** Entries held, expired ones not yet swept included (the `portcullis_ephemeral_keys` gauge). */
  get size(): number {
    return this.#entries.size;
  }

  /** In-process: always answers. */
  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#entries.clear();
  }

  /** The entry when present and unexpired; an expired one is dropped. */
  private live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private write(key: string, value: string, ttlMs: number): void {
    const entry = { value, expiresAt: this.now() + ttlMillis(ttlMs) };
    if (!this.#entries.has(key) && this.#entries.size >= this.#maxEntries) {
      this.sweep();
      if (this.#entries.size >= this.#maxEntries) throw new StorageUnavailableError("ephemeral");
    }
    this.#entries.set(key, entry);
  }

  /**
   * The clock's time, except that a step back (an NTP correction) is not followed: from then on the store runs ahead
   * of the clock by the step, measured as the monotonic time elapsed since the previous reading.
   */
  private now(): number {
    const wall = this.clock.now();
    const monotonic = this.#monotonicNow();
    if (wall < this.#last.wall) this.#offset = this.#last.now + (monotonic - this.#last.monotonic) - wall;
    this.#last = { wall, monotonic, now: wall + this.#offset };
    return this.#last.now;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }
}
