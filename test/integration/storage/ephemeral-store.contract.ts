import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { EphemeralStore, RevocationBus, RevocationEvent } from "../../../src/core/ports/ephemeral-store.js";

/** One store under test plus the means to let its time pass. */
export interface EphemeralHarness {
  store: EphemeralStore;
  /** Lets `ms` pass for the store: a fake clock advance (memory) or a real wait (Redis). */
  elapse(ms: number): Promise<void>;
  /** Two buses on one revocation stream (the same instance in memory; two connections for Redis). */
  buses: readonly [publisher: RevocationBus, subscriber: RevocationBus];
  close(): Promise<void>;
}

/** Resolves with the next event `bus` delivers, or rejects after `timeoutMs`. */
function nextEvent(bus: RevocationBus, timeoutMs = 1000): Promise<RevocationEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error("no revocation event delivered"));
    }, timeoutMs);
    const unsubscribe = bus.subscribe((event) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

/** A harness over two real-time nodes (a store and two buses) from `open`, for the Redis and Redis Cluster suites. */
export async function twoNodeHarness(open: () => Promise<{ store: EphemeralStore; bus: RevocationBus }>): Promise<EphemeralHarness> {
  const node1 = await open();
  const node2 = await open();
  return {
    store: node1.store,
    elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    buses: [node1.bus, node2.bus],
    close: async () => {
      for (const node of [node1, node2]) {
        await node.bus.close();
        await node.store.close();
      }
    },
  };
}

/** The EphemeralStore and RevocationBus contract (DESIGN "State"), run against memory and Redis. */
export function ephemeralStoreContract(name: string, open: () => Promise<EphemeralHarness>, ttlMs = 100): void {
  describe(`${name} ephemeral store contract`, () => {
    let harness: EphemeralHarness;
    let store: EphemeralStore;
    const key = (label: string) => `${label}:${randomUUID()}`;
    before(async () => {
      harness = await open();
      store = harness.store;
    });
    after(() => harness.close());

    it("put, get, delete and expiry", async () => {
      const k = key("code");
      await store.put(k, "v1", ttlMs);
      assert.equal(await store.get(k), "v1");
      await store.put(k, "v2", ttlMs * 10);
      assert.equal(await store.get(k), "v2", "put replaces");
      await store.delete(k);
      assert.equal(await store.get(k), undefined);
      await store.put(k, "v3", ttlMs);
      await harness.elapse(ttlMs * 1.5);
      assert.equal(await store.get(k), undefined, "expired");
      assert.equal(await store.take(k), undefined);
    });

    it("putIfAbsent stores for exactly one of 50 concurrent callers, and again after expiry", async () => {
      const k = key("jti");
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.putIfAbsent(k, `v${i}`, ttlMs)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await store.get(k), `v${results.indexOf(true)}`);
      await harness.elapse(ttlMs * 1.5);
      assert.equal(await store.putIfAbsent(k, "again", ttlMs), true);
    });

    it("firstUse is true for exactly one of 20 concurrent callers of a value made now (a replay check)", async () => {
      const k = key("proof");
      const results = await Promise.all(Array.from({ length: 20 }, () => store.firstUse(k, ttlMs, Date.now())));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it("take returns the value to exactly one of 50 concurrent callers", async () => {
      const k = key("par");
      await store.put(k, "request", ttlMs * 10);
      const taken = await Promise.all(Array.from({ length: 50 }, () => store.take(k)));
      assert.deepEqual(taken.filter((v) => v !== undefined), ["request"]);
      assert.equal(await store.get(k), undefined);
    });

    it("increment counts within the TTL set at creation, then starts over", async () => {
      const k = key("rate");
      assert.equal(await store.increment(k, ttlMs), 1);
      const counts = await Promise.all(Array.from({ length: 10 }, () => store.increment(k, ttlMs * 100)));
      assert.deepEqual([...counts].sort((a, b) => a - b), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const remaining = await store.ttl(k);
      assert.ok(remaining !== undefined && remaining > 0 && remaining <= ttlMs, `ttl ${remaining}`);
      await harness.elapse(ttlMs * 1.5);
      assert.equal(await store.increment(k, ttlMs), 1);
    });

    it("exists reports each key in order", async () => {
      const [a, b, c] = [key("a"), key("b"), key("c")];
      await store.put(a, "1", ttlMs * 10);
      await store.put(c, "3", ttlMs * 10);
      assert.deepEqual(await store.exists([a, b, c]), [true, false, true]);
      assert.deepEqual(await store.exists([]), []);
    });

    it("ttl is the remaining lifetime, undefined when absent", async () => {
      const k = key("nonce");
      await store.put(k, "n", ttlMs * 10);
      const remaining = await store.ttl(k);
      assert.ok(remaining !== undefined && remaining > ttlMs * 5 && remaining <= ttlMs * 10, `ttl ${remaining}`);
      assert.equal(await store.ttl(key("absent")), undefined);
    });

    it("a non-positive TTL expires at once instead of living forever", async () => {
      const k = key("skewed");
      await store.put(k, "v", -5000);
      await harness.elapse(ttlMs);
      assert.equal(await store.get(k), undefined);
    });

    it("the revocation bus delivers to subscribers until they unsubscribe", async () => {
      const [publisher, subscriber] = harness.buses;
      const event: RevocationEvent = { kind: "grant", id: randomUUID(), revokedAt: 1_700_000_000_000 };
      const received = nextEvent(subscriber);
      const alsoReceived = nextEvent(subscriber);
      await publisher.publish(event);
      assert.deepEqual(await received, event);
      assert.deepEqual(await alsoReceived, event);

      const late: RevocationEvent[] = [];
      subscriber.subscribe((e) => late.push(e))();
      const throwing = subscriber.subscribe(() => {
        throw new Error("listener bug");
      });
      const next = nextEvent(subscriber);
      await publisher.publish({ ...event, kind: "token" });
      assert.equal((await next).kind, "token", "a throwing listener does not stop delivery");
      throwing();
      assert.deepEqual(late, []);
    });
  });
}
