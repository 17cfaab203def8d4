import type { ValidatedToken } from "./token-validation.js";

/** Time source of the cache (epoch milliseconds), injected so tests are deterministic. */
export interface Clock {
  now(): number;
}

export interface TokenCacheOptions {
  /** Most answers kept; the least recently used goes first (0 disables caching). */
  maxEntries: number;
  /** Longest time an answer is reused, whatever the token's `exp` (RFC 7519 §4.1.4). */
  maxAgeMs: number;
  clock: Clock;
}

/** What a WatchRevocations event names (proto `WatchRevocationsResponse.kind`): a token's jti, a grant (`gid`), a client. */
export type RevocationKind = "token" | "grant" | "client";

interface Entry {
  token: ValidatedToken;
  expiresAtMs: number;
}

/**
 * Positive ValidateToken answers, bounded (LRU) and each until min(token expiry, stored + max age) (RFC 7662 §4:
 * a cached answer must not outlive the token). It serves only while `live` — while the revocation stream is
 * subscribed — and every eviction or reset bumps `generation`, so an answer fetched before a revocation is not stored
 * after it.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  #live = false;
  #generation = 0;

  constructor(private readonly options: TokenCacheOptions) {}

  /** Bumped by every eviction and reset: pass the value read before a remote call to `set`. */
  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The unexpired answer under `key`, now the most recently used; undefined when absent, expired or not live. */
  get(key: string): ValidatedToken | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (!this.#live || entry.expiresAtMs <= this.options.clock.now()) return undefined;
    this.#entries.set(key, entry);
    return entry.token;
  }

  /** Stores `token` unless not live or something was evicted since `generation` was read; drops the LRU entry past the bound. */
  set(key: string, token: ValidatedToken, generation: number): void {
    if (!this.#live || generation !== this.#generation || this.options.maxEntries <= 0) return;
    const expiresAtMs = Math.min(token.expiresAt * 1000, this.options.clock.now() + this.options.maxAgeMs);
    this.#entries.delete(key);
    this.#entries.set(key, { token, expiresAtMs });
    if (this.#entries.size > this.options.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** Drops every answer the revocation names (RFC 7009 §2.1): the token by jti, a grant's tokens by `gid`, a client's tokens. */
  evict(kind: RevocationKind, id: string): void {
    this.#generation++;
    for (const [key, { token }] of this.#entries) if (names(kind, id, token)) this.#entries.delete(key);
  }

  /** Drops everything; from now on serves and stores answers only when `live`. */
  reset(live: boolean): void {
    this.#generation++;
    this.#live = live;
    this.#entries.clear();
  }
}

function names(kind: RevocationKind, id: string, token: ValidatedToken): boolean {
  if (kind === "token") return token.jti === id;
  if (kind === "grant") return token.claims.gid === id;
  return token.clientId === id;
}
