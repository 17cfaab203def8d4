import type { ChangeSignal } from "../../core/ports/change-log.js";
import type { Logger } from "../../core/ports/logger.js";
import { ListenerSet, listenerErrorReporter } from "../listener-set.js";
import type { IpcCaller } from "./ipc-caller.js";

/**
 * Wakes every cluster worker's change feed through the primary (DESIGN "State"): like the Redis signal it carries
 * nothing, each worker reads the durable change log, so a lost message only waits for the next poll.
 */
export class IpcChangeSignal implements ChangeSignal {
  readonly #listeners: ListenerSet<void>;
  readonly #stop: () => void;

  constructor(
    private readonly caller: IpcCaller,
    logger?: Logger,
  ) {
    this.#listeners = new ListenerSet(listenerErrorReporter(logger));
    this.#stop = caller.onEvent((message) => {
      if (message.kind === "change") this.#listeners.emit();
    });
  }

  async notify(): Promise<void> {
    this.caller.notifyChange();
  }

  subscribe(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#stop();
    this.#listeners.clear();
  }
}
