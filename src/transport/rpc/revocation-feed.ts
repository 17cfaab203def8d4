import { Code, ConnectError } from "@connectrpc/connect";
import type { RevocationBus, RevocationEvent } from "../../core/ports/ephemeral-store.js";

/** Events a slow watcher may fall behind by before its stream is ended (it reconnects and flushes its cache). */
const MAX_BUFFERED = 10_000;

/**
 * Subscribes to `bus` at once and yields its events until `signal` aborts, then rejects with the abort reason
 * (DESIGN "Proto services": WatchRevocations). The subscription ends on abort or when iteration stops.
 */
export function subscribeRevocations(bus: RevocationBus, signal: AbortSignal): AsyncIterable<RevocationEvent> {
  const queue: RevocationEvent[] = [];
  let overflowed = false;
  let wake: (() => void) | undefined;
  const unsubscribe = bus.subscribe((event) => {
    if (queue.length < MAX_BUFFERED) queue.push(event);
    else overflowed = true;
    wake?.();
  });
  let subscribed = true;
  const stop = () => {
    if (subscribed) unsubscribe();
    subscribed = false;
    wake?.();
  };
  if (signal.aborted) stop();
  else signal.addEventListener("abort", stop, { once: true });
  return {
    async *[Symbol.asyncIterator]() {
      try {
        while (!signal.aborted) {
          if (overflowed) throw new ConnectError("revocation watcher fell behind; reconnect and flush cached tokens", Code.ResourceExhausted);
          const event = queue.shift();
          if (event) yield event;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
        signal.throwIfAborted();
      } finally {
        signal.removeEventListener("abort", stop);
        stop();
      }
    },
  };
}
