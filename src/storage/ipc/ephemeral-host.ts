import { StorageUnavailableError } from "../../core/errors/storage-unavailable.js";
import type { EphemeralStore } from "../../core/ports/ephemeral-store.js";
import { EPHEMERAL_CHANNEL, ephemeralMessage, STORE_OPERATIONS, type CallMessage, type EphemeralMessage, type IpcPort, type ReplyMessage } from "./ipc-protocol.js";

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
      if (message?.kind === "call") void this.#serve(port, message);
      else if (message?.kind === "revocation" || message?.kind === "change") this.#relay(message);
    };
    port.on("message", listener);
    this.#ports.add(port);
    return () => {
      port.off("message", listener);
      this.#ports.delete(port);
    };
  }

  async #serve(port: IpcPort, call: CallMessage): Promise<void> {
    const reply: ReplyMessage = { channel: EPHEMERAL_CHANNEL, kind: "reply", id: call.id };
    if (!OPERATIONS.has(call.op) || !Array.isArray(call.args)) {
      port.send({ ...reply, failed: "error", message: `unknown store operation ${String(call.op)}` });
      return;
    }
    try {
      const operation = this.store[call.op] as (...args: unknown[]) => Promise<unknown>;
      port.send({ ...reply, value: await operation.apply(this.store, call.args) });
    } catch (error) {
      port.send({ ...reply, failed: error instanceof StorageUnavailableError ? "unavailable" : "error", message: (error as Error)?.message });
    }
  }

  #relay(message: EphemeralMessage): void {
    for (const port of this.#ports) port.send(message);
  }
}
