import { StorageUnavailableError } from "../../core/errors/storage-unavailable.js";
import type { EphemeralStore } from "../../core/ports/ephemeral-store.js";
import { EPHEMERAL_CHANNEL, ephemeralMessage, STORE_OPERATIONS, type Call, type CallMessage, type EphemeralMessage, type IpcPort, type Reply } from "./ipc-protocol.js";

const OPERATIONS: ReadonlySet<string> = new Set(STORE_OPERATIONS);

/**
 * The primary's end of the ephemeral protocol (DESIGN "State" on one machine without Redis): serves every worker's
 * store calls from one in-memory store, in arrival order on one thread, and relays revocations and change signals
 * to every attached worker, the sender included (as Redis pub/sub does).
 */
export class EphemeralHost {
  readonly #ports = new Set<IpcPort>();

  constructor(private readonly store: EphemeralStore) {}

  /** Serves `port` until the returned function detaches it (the worker exited). */
  attach(port: IpcPort): () => void {
    const listener = (raw: unknown) => {
      const message = ephemeralMessage(raw);
      if (message?.kind === "calls" && Array.isArray(message.calls)) void this.#serve(port, message);
      else if (message?.kind === "revocation" || message?.kind === "change") this.#relay(message);
    };
    port.on("message", listener);
    this.#ports.add(port);
    return () => {
      port.off("message", listener);
      this.#ports.delete(port);
    };
  }

  /** Starts every call of the message in order (each runs synchronously inside the memory store), then replies once. */
  async #serve(port: IpcPort, message: CallMessage): Promise<void> {
    const replies = await Promise.all(message.calls.map((call) => this.#run(call)));
    port.send({ channel: EPHEMERAL_CHANNEL, kind: "replies", replies });
  }

  async #run({ id, op, args }: Call): Promise<Reply> {
    if (!OPERATIONS.has(op) || !Array.isArray(args)) return { id, failed: "error", message: `unknown store operation ${String(op)}` };
    try {
      const operation = this.store[op] as (...args: unknown[]) => Promise<unknown>;
      return { id, value: await operation.apply(this.store, args) };
    } catch (error) {
      return { id, failed: error instanceof StorageUnavailableError ? "unavailable" : "error", message: (error as Error)?.message };
    }
  }

  #relay(message: EphemeralMessage): void {
    for (const port of this.#ports) port.send(message);
  }
}
