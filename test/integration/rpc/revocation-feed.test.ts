import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { RevocationBus, RevocationEvent } from "../../../src/core/ports/ephemeral-store.js";
import { MemoryRevocationBus } from "../../../src/storage/memory/memory-revocation.bus.js";
import { subscribeRevocations } from "../../../src/transport/rpc/revocation-feed.js";

/** The memory bus, counting live subscriptions. */
function countingBus(): RevocationBus & { live: number } {
  const bus = new MemoryRevocationBus();
  const counting = {
    live: 0,
    publish: (event: RevocationEvent) => bus.publish(event),
    deliverLocally: (event: RevocationEvent) => bus.deliverLocally(event),
    subscribe(listener: (event: RevocationEvent) => void) {
      counting.live++;
      const unsubscribe = bus.subscribe(listener);
      return () => {
        counting.live--;
        unsubscribe();
      };
    },
    close: () => bus.close(),
  };
  return counting;
}

const event = (id: string): RevocationEvent => ({ kind: "token", id, revokedAt: 1 });

/** The WatchRevocations feed (DESIGN "Proto services"): eager subscription, order, abort, bounded buffering. */
describe("subscribeRevocations", () => {
  it("subscribes at once, yields events in order and unsubscribes exactly once on abort", async () => {
    const bus = countingBus();
    const controller = new AbortController();
    const feed = subscribeRevocations(bus, controller.signal);
    assert.equal(bus.live, 1);
    await bus.publish(event("a"));
    const iterator = feed[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.id, "a");
    const pending = iterator.next();
    await bus.publish(event("b"));
    assert.equal((await pending).value?.id, "b");
    controller.abort(new ConnectError("bye", Code.Unavailable));
    await assert.rejects(iterator.next(), (e: unknown) => ConnectError.from(e).code === Code.Unavailable);
    assert.equal(bus.live, 0);
  });

  it("unsubscribes when the consumer stops iterating, or when aborted before iterating", async () => {
    const bus = countingBus();
    const feed = subscribeRevocations(bus, new AbortController().signal);
    await bus.publish(event("a"));
    for await (const _ of feed) break;
    assert.equal(bus.live, 0);
    const controller = new AbortController();
    subscribeRevocations(bus, controller.signal);
    assert.equal(bus.live, 1);
    controller.abort();
    assert.equal(bus.live, 0);
  });

  it("ends a watcher that falls too far behind with RESOURCE_EXHAUSTED", async () => {
    const bus = countingBus();
    const feed = subscribeRevocations(bus, new AbortController().signal);
    for (let i = 0; i <= 10_000; i++) await bus.publish(event(String(i)));
    await assert.rejects(
      (async () => {
        for await (const _ of feed);
      })(),
      (e: unknown) => ConnectError.from(e).code === Code.ResourceExhausted,
    );
    assert.equal(bus.live, 0);
  });
});
