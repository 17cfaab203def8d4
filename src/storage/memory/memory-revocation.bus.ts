import type { RevocationBus, RevocationEvent } from "../../core/ports/ephemeral-store.js";
import type { Logger } from "../../core/ports/logger.js";
import { ListenerSet, listenerErrorReporter } from "../listener-set.js";

/** In-process revocation fan-out for a single node (DESIGN "State"). */
export class MemoryRevocationBus implements RevocationBus {
  readonly #listeners: ListenerSet<RevocationEvent>;

  constructor(logger?: Logger) {
    this.#listeners = new ListenerSet(listenerErrorReporter(logger));
  }

  async publish(event: RevocationEvent): Promise<void> {
    this.#listeners.emit(event);
  }

  deliverLocally(event: RevocationEvent): void {
    this.#listeners.emit(event);
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
