import type { Logger } from "../core/ports/logger.js";

/** Listeners of one event stream; a throwing listener is reported and never stops delivery to the others. */
export class ListenerSet<E> {
  readonly #listeners = new Set<(event: E) => void>();

  constructor(private readonly report: (error: unknown) => void) {}

  /** Registers `listener`; returns its unsubscribe function. */
  add(listener: (event: E) => void): () => void {
    const entry = (event: E) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: E): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.report(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/** Reports a listener failure to `logger`, or as a process warning when there is none. */
export function listenerErrorReporter(logger?: Logger): (error: unknown) => void {
  return (error) => {
    if (logger) logger.error({ err: error }, "event listener failed");
    else process.emitWarning(error instanceof Error ? error : String(error), "EventListenerWarning");
  };
}
