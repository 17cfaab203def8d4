import type { RevocationBus, RevocationEvent } from "../../core/ports/ephemeral-store.js";
import type { Logger } from "../../core/ports/logger.js";
import { ListenerSet, listenerErrorReporter } from "../listener-set.js";
import type { IpcCaller } from "./ipc-caller.js";

/** Revocation fan-out between cluster workers (DESIGN "State"): published to the primary, which relays it to every worker. */
export class IpcRevocationBus implements RevocationBus {
  readonly #listeners: ListenerSet<RevocationEvent>;
  readonly #stop: () => void;

  constructor(
    private readonly caller: IpcCaller,
    logger?: Logger,
  ) {
    this.#listeners = new ListenerSet(listenerErrorReporter(logger));
    this.#stop = caller.onEvent((message) => {
      if (message.kind === "revocation") this.#listeners.emit(message.event);
    });
  }

  async publish(event: RevocationEvent): Promise<void> {
    this.caller.publish(event);
  }

  deliverLocally(event: RevocationEvent): void {
    this.#listeners.emit(event);
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#stop();
    this.#listeners.clear();
  }
}
