import cluster, { type Worker } from "node:cluster";
import type { Logger } from "../core/ports/logger.js";
import type { EphemeralHost } from "../storage/ipc/ephemeral-host.js";
import { ipcPort } from "../storage/ipc/ipc-protocol.js";
import { CLUSTER_CHANNEL, clusterMessage, WORKER_RANK_ENV, type ClusterMessage } from "./cluster-messages.js";

/** A worker that dies sooner than this after its start is restarted after RESTART_BACKOFF_MS, so a crash loop does not spin. */
const SHORT_LIFE_MS = 5_000;
const RESTART_BACKOFF_MS = 1_000;
/** A worker still running this long past its readiness delay after it was told to drain (its own limit is 10 s) is killed. */
const DRAIN_LIMIT_MS = 12_000;

type Ready = Extract<ClusterMessage, { kind: "ready" }>;

/**
 * The primary's workers, by rank 1…size: forked with their rank, attached to the ephemeral host (when there is no
 * Redis), restarted under the same rank when one dies, and drained together.
 */
export class WorkerPool {
  readonly #workers = new Map<number, Worker>();
  #stopping = false;
  #started = false;

  constructor(
    private readonly size: number,
    private readonly logger: Logger,
    /** SHUTDOWN_READINESS_DELAY_MS: how long a draining worker still serves before it closes its listeners. */
    private readonly readinessDelayMs: number,
    private readonly host?: EphemeralHost,
  ) {}

  /** Forks every worker; resolves with the first one's ready message once all listen, rejects if one exits before. */
  async start(): Promise<Ready> {
    const ready = Array.from({ length: this.size }, (_, index) => this.#fork(index + 1));
    try {
      const [first] = await Promise.all(ready);
      this.#started = true;
      return first!;
    } catch (error) {
      await this.drain();
      throw error;
    }
  }

  /** The workers alive now. */
  live(): Worker[] {
    return [...this.#workers.values()].filter((worker) => worker.isConnected());
  }

  /** Tells every worker to drain and resolves when all have exited (killing any that outlast their delay + DRAIN_LIMIT_MS); none is restarted from now on. */
  async drain(): Promise<void> {
    this.#stopping = true;
    const workers = [...this.#workers.values()];
    const exits = workers.map((worker) => new Promise((resolve) => (worker.isDead() ? resolve(undefined) : worker.once("exit", resolve))));
    for (const worker of workers) send(worker, { channel: CLUSTER_CHANNEL, kind: "drain" });
    const limit = setTimeout(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill("SIGKILL");
    }, this.readinessDelayMs + DRAIN_LIMIT_MS);
    await Promise.all(exits);
    clearTimeout(limit);
  }

  /** Forks the worker of `rank`; resolves when it listens, rejects when it exits first. */
  #fork(rank: number): Promise<Ready> {
    const startedAt = Date.now();
    const worker = cluster.fork({ [WORKER_RANK_ENV]: String(rank) });
    this.#workers.set(rank, worker);
    const detach = this.host?.attach(ipcPort(worker));
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on("message", (raw: unknown) => {
        const message = clusterMessage(raw);
        if (message?.kind !== "ready") return;
        listening = true;
        this.logger.info({ worker: rank, pid: worker.process.pid }, this.#started ? "replacement worker listening" : "worker listening");
        resolve(message);
      });
      worker.once("exit", (code: number | null, signal: string | null) => {
        detach?.();
        if (this.#workers.get(rank) === worker) this.#workers.delete(rank);
        if (!listening) reject(new Error(`worker ${rank} exited (${signal ?? `code ${code}`}) before it was listening`));
        if (this.#stopping || !this.#started) return;
        const delay = Date.now() - startedAt < SHORT_LIFE_MS ? RESTART_BACKOFF_MS : 0;
        this.logger.error({ worker: rank, pid: worker.process.pid, code, signal, restartInMs: delay }, "worker died; starting a replacement");
        setTimeout(() => this.#replace(rank), delay).unref();
      });
    });
  }

  #replace(rank: number): void {
    if (this.#stopping) return;
    // A replacement that fails before listening is reported and retried by its own exit handler.
    this.#fork(rank).catch(() => undefined);
  }
}

/** Sends a control message, ignoring a channel that just closed (the exit handler deals with that worker). */
export function send(worker: Worker, message: ClusterMessage): void {
  worker.send(message, undefined, undefined, () => undefined);
}
