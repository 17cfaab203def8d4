/**
 * How many queued requests one event-loop turn starts (decisions.md "Requests start in batches per loop turn"):
 * 8 kept the first-run `/token` p99 lowest at 64 connections while keeping most of the batching gain.
 */
export const REQUESTS_PER_TURN = 8;

export interface TurnBatchOptions {
  /** At most this many queued calls start per turn (default REQUESTS_PER_TURN). */
  perTurn?: number;
  /** Gets what a `start` threw; by default it is rethrown on the next tick, as a throwing request listener's would be, after the rest of the batch started. */
  onThrow?: (error: unknown) => void;
}

const rethrowOnNextTick = (error: unknown) =>
  process.nextTick(() => {
    throw error;
  });

/**
 * Wraps `start` so that calls made while the server is busy start in batches, at most `perTurn` per event-loop turn,
 * first come first served (decisions.md "Requests start in batches per loop turn"). The first call of an idle turn
 * starts at once, so a lone request waits for nothing. Two reasons: requests started together run their stages
 * together, which halves the CPU cost of a `/token` request on Node 20; and a turn stays short, so new connections —
 * which libuv accepts one per turn — are not left waiting behind every open connection's requests. Used where each
 * request arrives in its own callback (the public listener); HTTP/2 streams read together already start together,
 * and batching the gRPC listener measured slower.
 */
export function inTurnBatches<A extends unknown[]>(start: (...args: A) => void, options: TurnBatchOptions = {}): (...args: A) => void {
  const { perTurn = REQUESTS_PER_TURN, onThrow = rethrowOnNextTick } = options;
  let queue: A[] = [];
  let startedThisTurn = 0;
  let turnScheduled = false;
  const startOne = (args: A) => {
    try {
      start(...args);
    } catch (error) {
      onThrow(error);
    }
  };
  const endTurn = () => {
    const batch = queue.length > perTurn ? queue.splice(0, perTurn) : queue;
    if (batch === queue) queue = [];
    startedThisTurn = batch.length;
    for (const args of batch) startOne(args);
    startedThisTurn = 0;
    if (queue.length > 0) setImmediate(endTurn);
    else turnScheduled = false;
  };
  return (...args: A) => {
    if (!turnScheduled) {
      turnScheduled = true;
      setImmediate(endTurn);
    }
    if (queue.length === 0 && startedThisTurn === 0) {
      startedThisTurn = 1;
      startOne(args);
    } else queue.push(args);
  };
}
