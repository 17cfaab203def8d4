/**
 * Short-lived shared state (codes, request URIs, replay caches, counters, revocation index).
 * Every key has a TTL; single-use consumption is atomic (DESIGN "State").
 */
export interface EphemeralStore {
  /** Stores `value` under `key` for `ttlMs`, replacing any value. */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only if absent (SET NX PX); true when this call stored it. */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * A replay check (RFC 9449 §11.1, RFC 7523 §3): records `key` and answers true when it was unseen and the store
   * remembers every write since `existedBy` (epoch ms by which the checked value surely existed). A value that existed
   * before the store lost its data (a Redis restart) is refused, so replay caches fail closed (corpus S107).
   */
  firstUse(key: string, ttlMs: number, existedBy: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  /** True for each key that exists, in order. */
  exists(keys: readonly string[]): Promise<boolean[]>;
  /** Atomically reads and deletes (GETDEL): at most one caller ever receives the value. */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /** Increments a counter; the TTL is set when the counter is created. Returns the new value. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Remaining TTL in ms, or undefined when the key is absent. */
  ttl(key: string): Promise<number | undefined>;
  /** Resolves when the store answers (Redis PING); rejects with StorageUnavailableError otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A revocation event for the WatchRevocations stream. */
export interface RevocationEvent {
  kind: "token" | "grant" | "client";
  /** jti of a token, grant id, or client id. */
  id: string;
  /** Epoch ms. */
  revokedAt: number;
}

/** Fan-out of revocation events to every node (memory: in-process; Redis: pub/sub). */
export interface RevocationBus {
  publish(event: RevocationEvent): Promise<void>;
  /** Tells this process's listeners only: for a revocation every node learns by itself (from the change log). */
  deliverLocally(event: RevocationEvent): void;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: RevocationEvent) => void): () => void;
  close(): Promise<void>;
}
