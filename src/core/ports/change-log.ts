/**
 * What a node caches or acts on that another process may change (DESIGN "State": changes reach every process at
 * once): registered clients (created apart, since a new client has no tokens to drop), resource servers, signing
 * keys, grants an operator revoked in bulk, and trusted JWT issuers.
 */
export type ChangeTopic = "client-created" | "client" | "resource" | "signing-key" | "grant-revoked" | "trusted-issuer";

/** One committed change: `key` names the client id, resource id, kid, grant id or issuer. */
export interface Change {
  /** Gap-free, in commit order. */
  seq: number;
  topic: ChangeTopic;
  key: string;
}

/**
 * The durable record of changes, written by the repositories in the same transaction as the change itself, so no
 * writer (server, CLI, another node) can change a cached thing without telling every process.
 */
export interface ChangeLog {
  /** The seq of the latest committed change (0 when none). */
  head(): Promise<number>;
  /** Changes after `seq`, oldest first, at most `limit`. */
  since(seq: number, limit: number): Promise<Change[]>;
  /**
   * A synchronous check for engines where it is cheap (an embedded SQLite file): the head when another connection
   * may have committed since the last probe, undefined when nothing was committed. Absent for client/server engines.
   */
  readonly probe?: () => number | undefined;
  /** Adds a callback run after each commit that recorded changes; the write resolves after them; they never reject. */
  onCommit(listener: () => Promise<void>): void;
  /** Deletes all but the latest `keep` changes; returns how many were deleted. */
  purge(keep: number): Promise<number>;
}

/** Wakes every node when a change was committed (Redis pub/sub; nothing to wake on a single node). */
export interface ChangeSignal {
  notify(): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  close(): Promise<void>;
}
