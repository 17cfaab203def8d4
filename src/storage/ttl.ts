/** A whole, positive TTL in ms: a TTL at or below zero (e.g. computed under clock skew) expires at once (DESIGN "State"). */
export function ttlMillis(ttlMs: number): number {
  if (!Number.isFinite(ttlMs)) throw new RangeError("ttlMs must be a finite number: every key has a TTL");
  return Math.max(1, Math.ceil(ttlMs));
}
