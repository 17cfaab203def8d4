import { StorageUnavailableError } from "../../core/errors/storage-unavailable.js";
import type { RevocationEvent } from "../../core/ports/ephemeral-store.js";
import { EPHEMERAL_CHANNEL, ephemeralMessage, type Call, type EventMessage, type IpcPort, type Reply, type StoreOperation } from "./ipc-protocol.js";

/** Like the Redis command timeout: a primary that does not answer in time is an outage (503), never a hang. */
export const IPC_CALL_TIMEOUT_MS = 1500;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** Ids unique across every caller of this process, so two callers on one channel never take each other's replies. */
let lastId = 0;

/**
 * The worker end of the ephemeral protocol: store calls sent to the primary with an id and a timeout, replies matched
 * by id, and events from the primary handed to the bus and the change signal. The calls of one event-loop turn
 * (under load, those of many requests) go in one message, which saves a serialisation and a write per call.
 */
export class IpcCaller {
  readonly #pending = new Map<number, Pending>();
  #queue: Call[] = [];
  readonly #eventListeners = new Set<(message: EventMessage) => void>();
  readonly #onMessage = (raw: unknown) => this.#receive(raw);

  constructor(
    private readonly port: IpcPort,
    private readonly timeoutMs = IPC_CALL_TIMEOUT_MS,
  ) {
    port.on("message", this.#onMessage);
  }

  /** Runs `op` on the primary's store; rejects with StorageUnavailableError when it cannot answer in time. */
  call(op: StoreOperation, args: unknown[]): Promise<unknown> {
    const id = ++lastId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new StorageUnavailableError("ephemeral", { cause: new Error(`the primary did not answer ${op} within ${this.timeoutMs} ms`) }));
      }, this.timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      if (this.#queue.push({ id, op, args }) === 1) setImmediate(this.#flush);
    });
  }

  readonly #flush = (): void => {
    const calls = this.#queue;
    this.#queue = [];
    this.port.send({ channel: EPHEMERAL_CHANNEL, kind: "calls", calls });
  };

  /** Sends a revocation for the primary to relay to every worker. */
  publish(event: RevocationEvent): void {
    this.port.send({ channel: EPHEMERAL_CHANNEL, kind: "revocation", event });
  }

  /** Sends a change signal for the primary to relay to every worker. */
  notifyChange(): void {
    this.port.send({ channel: EPHEMERAL_CHANNEL, kind: "change" });
  }

  /** Adds a listener for relayed events; returns its removal. */
  onEvent(listener: (message: EventMessage) => void): () => void {
    this.#eventListeners.add(listener);
    return () => void this.#eventListeners.delete(listener);
  }

  /** Stops listening; calls still waiting fail as unavailable. */
  close(): void {
    this.port.off("message", this.#onMessage);
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new StorageUnavailableError("ephemeral"));
      this.#pending.delete(id);
    }
    this.#eventListeners.clear();
  }

  #receive(raw: unknown): void {
    const message = ephemeralMessage(raw);
    if (!message || message.kind === "calls") return;
    if (message.kind === "replies") for (const reply of message.replies) this.#settle(reply);
    else for (const listener of [...this.#eventListeners]) listener(message);
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.failed === "unavailable") pending.reject(new StorageUnavailableError("ephemeral"));
    else if (reply.failed) pending.reject(new Error(reply.message ?? "the primary's store refused the call"));
    else pending.resolve(reply.value);
  }
}
