/**
 * How many queued requests one event-loop turn starts (decisions.md "Requests start in batches per loop turn"):
 * 8 kept the first-run `/token` p99 lowest at 64 connections while keeping most of the batching gain.
 */
export const REQUESTS_PER_TURN = 8;
/** How many a turn that accepted a connection starts: libuv accepts one per turn, so more may be waiting to be accepted. */
export const REQUESTS_PER_ACCEPTING_TURN = 2;

export interface TurnBatchOptions {
  /** At most this many queued calls start per turn (default REQUESTS_PER_TURN). */
  perTurn?: number;
  /** At most this many in a turn that accepted a connection (default REQUESTS_PER_ACCEPTING_TURN). */
  perAcceptingTurn?: number;
  /** Gets what a `start` threw; by default it is rethrown on the next tick, as a throwing request listener's would be, after the rest of the batch started. */
  onThrow?: (error: unknown) => void;
}

const rethrowOnNextTick = (error: unknown) =>
  process.nextTick(() => {
    throw error;
  });

/**
 * Starts calls made while the server is busy in batches, at most `perTurn` per event-loop turn, first come first
 * served (decisions.md "Requests start in batches per loop turn"). The first call of an idle turn starts at once, so
 * a lone request waits for nothing. Two reasons: requests started together run their stages together, which halves
 * the CPU cost of a `/token` request on Node 20; and a turn stays short, so new connections — which libuv accepts one
 * per turn — are not left waiting behind every open connection's requests (a turn that accepted one starts fewer).
 * Used where each request arrives in its own callback (the public listener); HTTP/2 streams read together already
 * start together, and batching the gRPC listener measured slower.
 */
export class TurnBatches<A extends unknown[]> {
  readonly #start: (...args: A) => void;
  readonly #perTurn: number;
  readonly #perAcceptingTurn: number;
  readonly #onThrow: (error: unknown) => void;
  #queue: A[] = [];
  /** A call started in this turn (the idle turn's first, or a batch is starting): later calls queue behind it. */
  #startedThisTurn = false;
  #acceptedThisTurn = false;
  #turnScheduled = false;

  constructor(start: (...args: A) => void, options: TurnBatchOptions = {}) {
    this.#start = start;
    this.#perTurn = options.perTurn ?? REQUESTS_PER_TURN;
    this.#perAcceptingTurn = options.perAcceptingTurn ?? REQUESTS_PER_ACCEPTING_TURN;
    this.#onThrow = options.onThrow ?? rethrowOnNextTick;
  }

  /** Starts `args` now when the turn is idle, else queues it for the next batch. */
  readonly admit = (...args: A): void => {
    this.#scheduleTurnEnd();
    if (this.#queue.length === 0 && !this.#startedThisTurn) {
      this.#startedThisTurn = true;
      this.#startOne(args);
    } else this.#queue.push(args);
  };

  /** Says the listener accepted a connection in this turn: this turn's batch is the smaller one. */
  readonly connectionAccepted = (): void => {
    this.#acceptedThisTurn = true;
    this.#scheduleTurnEnd();
  };

  #scheduleTurnEnd(): void {
    if (this.#turnScheduled) return;
    this.#turnScheduled = true;
    setImmediate(this.#endTurn);
  }

  readonly #endTurn = (): void => {
    const limit = this.#acceptedThisTurn ? this.#perAcceptingTurn : this.#perTurn;
    this.#acceptedThisTurn = false;
    const batch = this.#queue.length > limit ? this.#queue.splice(0, limit) : this.#queue;
    if (batch === this.#queue) this.#queue = [];
    this.#startedThisTurn = true;
    for (const args of batch) this.#startOne(args);
    this.#startedThisTurn = false;
    if (this.#queue.length > 0) setImmediate(this.#endTurn);
    else this.#turnScheduled = false;
  };

  #startOne(args: A): void {
    try {
      this.#start(...args);
    } catch (error) {
      this.#onThrow(error);
    }
  }
}
