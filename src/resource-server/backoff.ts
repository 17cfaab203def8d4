/** Reconnection delays of the revocation stream: exponential with jitter (gRPC "Connection Backoff Protocol"). */
export interface BackoffPolicy {
  /** Delay before the first retry (ms). */
  initialDelayMs: number;
  /** Largest delay (ms), before jitter. */
  maxDelayMs: number;
  /** Growth per failed attempt. */
  multiplier: number;
  /** Spread of the delay: ±jitter of it (0–1), so many resource servers do not reconnect in lock-step. */
  jitter: number;
}

/** The defaults of gRPC's connection backoff, with a 30 s cap: a revocation stream should come back quickly. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, multiplier: 1.6, jitter: 0.2 };

/**
 * The delay before retry number `attempt` (0 for the first): min(initial × multiplier^attempt, max) spread uniformly
 * by ±jitter with `random` (a uniform draw in [0, 1), injected so tests are deterministic) (gRPC connection backoff).
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const base = Math.min(policy.initialDelayMs * policy.multiplier ** attempt, policy.maxDelayMs);
  return Math.round(base * (1 + policy.jitter * (2 * random() - 1)));
}
