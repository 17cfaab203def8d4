import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { DI } from "../di-tokens.js";
import type { Change, ChangeSignal, ChangeTopic } from "../ports/change-log.js";
import type { Logger } from "../ports/logger.js";
import type { DurableStorage } from "../ports/repositories.js";

/** Changed keys of one topic, or "all" when this node fell behind the retained log and must drop everything. */
export type ChangeHandler = (keys: readonly string[] | "all") => void | Promise<void>;

/** Changes read per query while catching up. */
const BATCH = 500;
/** Changes the log retains; a node further behind than this resets its caches instead of replaying. */
export const RETAINED_CHANGES = 10_000;

/**
 * Applies changes committed by any process (this one, the CLI, other nodes) to this node's caches, so an operator
 * change is used by the next request (DESIGN "State": changes reach every process at once). It follows the durable
 * change log, woken three ways: a synchronous probe before each request where the engine has one (embedded SQLite),
 * the change signal (Redis pub/sub between nodes), and a poll every CHANGE_POLL_INTERVAL as the backstop.
 */
@injectable()
export class ChangeFeed {
  readonly #handlers = new Map<ChangeTopic, ChangeHandler[]>();
  #seq = 0;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #probedThisTurn = false;
  #timer: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(
    @inject(DI.Durable) private readonly durable: DurableStorage,
    @inject(DI.ChangeSignal) private readonly signal: ChangeSignal,
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Logger) private readonly logger: Logger,
  ) {
    durable.changes.onCommit(async () => {
      if (this.#timer) await this.announce();
    });
  }

  /** Registers what to do when keys of `topic` changed; handlers run in registration order and may be async. */
  on(topic: ChangeTopic, handler: ChangeHandler): void {
    this.#handlers.set(topic, [...(this.#handlers.get(topic) ?? []), handler]);
  }

  /** Starts following from the current head (call before caches load, so nothing between is missed). */
  async start(): Promise<void> {
    this.stop();
    this.#seq = await this.durable.changes.head();
    this.#unsubscribe = this.signal.subscribe(() => void this.catchUp());
    this.#timer = setInterval(() => void this.catchUp(), this.config.changePollInterval).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#unsubscribe?.();
    this.#timer = this.#unsubscribe = undefined;
  }

  /**
   * The per-request gate: a promise to await when changes are being applied (or were just found by the probe), so
   * the request sees every change committed before it arrived; undefined, with no await needed, otherwise. The probe
   * runs at most once per event-loop turn: a request read in a later turn than a commit always probes after it.
   */
  current(): Promise<void> | undefined {
    const probe = this.durable.changes.probe;
    if (probe && !this.#probedThisTurn) {
      this.#probedThisTurn = true;
      setImmediate(this.#endTurn);
      const head = probe();
      if (head !== undefined && head > this.#seq) return this.catchUp();
    }
    return this.#next ?? this.#running;
  }

  /** After a commit in this process: applies it here before the write returns, and wakes the other nodes. */
  async announce(): Promise<void> {
    const woken = this.signal.notify().catch((error: unknown) => this.logger.warn({ err: error }, "could not signal a change to other nodes; they apply it at their next poll"));
    await Promise.all([this.catchUp(), woken]);
  }

  /** Applies every change not yet applied; never rejects. A call while a pass runs gets a pass that starts after it. */
  catchUp(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#pass().finally(() => (this.#running = undefined));
      return this.#running;
    }
    this.#next ??= this.#running.then(() => {
      this.#next = undefined;
      return this.catchUp();
    });
    return this.#next;
  }

  readonly #endTurn = (): void => {
    this.#probedThisTurn = false;
  };

  async #pass(): Promise<void> {
    try {
      for (;;) {
        const changes = await this.durable.changes.since(this.#seq, BATCH);
        if (changes.length === 0) return;
        if (changes[0]!.seq !== this.#seq + 1) {
          await this.#resetAll();
          return;
        }
        await this.#apply(changes);
        this.#seq = changes.at(-1)!.seq;
      }
    } catch (error) {
      this.logger.warn({ err: error }, "could not read the change log; retrying at the next poll");
    }
  }

  async #apply(changes: readonly Change[]): Promise<void> {
    const byTopic = new Map<ChangeTopic, string[]>();
    for (const { topic, key } of changes) byTopic.set(topic, [...(byTopic.get(topic) ?? []), key]);
    await Promise.all([...byTopic].map(([topic, keys]) => this.#run(topic, keys)));
  }

  /** Fell behind the retained log: every topic may have changed. */
  async #resetAll(): Promise<void> {
    this.logger.warn({ appliedSeq: this.#seq }, "fell behind the change log; dropping every cache");
    const head = await this.durable.changes.head();
    await Promise.all([...this.#handlers.keys()].map((topic) => this.#run(topic, "all")));
    this.#seq = head;
  }

  async #run(topic: ChangeTopic, keys: readonly string[] | "all"): Promise<void> {
    for (const handler of this.#handlers.get(topic) ?? []) {
      try {
        await handler(keys);
      } catch (error) {
        this.logger.error({ err: error, topic }, "a change handler failed");
      }
    }
  }
}
