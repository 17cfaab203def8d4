import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { ClientCache, NEGATIVE_CACHE_TTL_MS } from "../../../src/core/clients/client-cache.js";
import { TtlCache } from "../../../src/core/clients/ttl-cache.js";
import { Harness, ManualClock } from "./client-auth-harness.js";

describe("ClientCache", () => {
  let h: Harness;
  let cache: ClientCache;
  let lookups: ReturnType<typeof mock.method>;

  beforeEach(async () => {
    h = await Harness.open({ clientCacheTtl: "30" });
    await h.addClient({ clientId: "app", metadata: { client_name: "v1" } });
    lookups = mock.method(h.storage.clients, "find");
    cache = h.container.resolve(ClientCache);
  });
  afterEach(() => h.close());

  it("serves repeated lookups from memory until clientCacheTtl passes", async () => {
    assert.equal((await cache.find("app"))?.metadata.client_name, "v1");
    assert.equal((await cache.find("app"))?.clientId, "app");
    assert.equal(lookups.mock.callCount(), 1);
    h.clock.advance(30);
    await cache.find("app");
    assert.equal(lookups.mock.callCount(), 2);
  });

  it("shares one storage lookup between concurrent misses", async () => {
    const results = await Promise.all([cache.find("app"), cache.find("app"), cache.find("app")]);
    assert.deepEqual(new Set(results.map((c) => c?.clientId)), new Set(["app"]));
    assert.equal(lookups.mock.callCount(), 1);
  });

  it("remembers an unknown id only briefly", async () => {
    assert.equal(await cache.find("ghost"), undefined);
    assert.equal(await cache.find("ghost"), undefined);
    assert.equal(lookups.mock.callCount(), 1);
    h.clock.advance(NEGATIVE_CACHE_TTL_MS / 1000);
    await h.addClient({ clientId: "ghost", metadata: {} });
    assert.equal((await cache.find("ghost"))?.clientId, "ghost");
  });

  it("a change to the client evicts it before the write returns; other clients stay cached", async () => {
    await h.addClient({ clientId: "other", metadata: {} });
    await Promise.all([cache.find("app"), cache.find("other")]);
    await h.storage.clients.update({ ...(await h.storage.clients.find("app"))!, metadata: { client_name: "v2" } });
    lookups.mock.resetCalls();
    assert.equal((await cache.find("app"))?.metadata.client_name, "v2");
    await cache.find("other");
    assert.equal(lookups.mock.callCount(), 1);
  });

  it("a deleted client is gone at the next lookup", async () => {
    await cache.find("app");
    await h.storage.clients.delete("app");
    assert.equal(await cache.find("app"), undefined);
  });

  it("a lookup in flight when the client changes does not repopulate the cache with its stale answer", async () => {
    const stale = cache.find("app");
    await h.storage.clients.update({ ...(await h.storage.clients.find("app"))!, metadata: { client_name: "v2" } });
    await stale;
    assert.equal((await cache.find("app"))?.metadata.client_name, "v2");
  });

  it("a client created after its id was looked up is found at once (the unknown-id entry is evicted)", async () => {
    assert.equal(await cache.find("late"), undefined);
    await h.addClient({ clientId: "late", metadata: {} });
    assert.equal((await cache.find("late"))?.clientId, "late");
  });

  it("clientCacheTtl 0 disables caching", async () => {
    await h.close();
    h = await Harness.open({ clientCacheTtl: "0" });
    await h.addClient({ clientId: "app", metadata: {} });
    lookups = mock.method(h.storage.clients, "find");
    cache = h.container.resolve(ClientCache);
    await cache.find("app");
    await cache.find("app");
    assert.equal(lookups.mock.callCount(), 2);
  });
});

describe("TtlCache", () => {
  it("is bounded: the oldest entry goes first", () => {
    const cache = new TtlCache<number>(new ManualClock(), 3);
    for (const [i, key] of ["a", "b", "c", "d"].entries()) cache.set(key, i, 1000);
    assert.equal(cache.size, 3);
    assert.equal(cache.get("a"), undefined);
    assert.equal(cache.get("d"), 3);
  });

  it("expires entries by the injected clock", () => {
    const clock = new ManualClock();
    const cache = new TtlCache<string>(clock, 10);
    cache.set("k", "v", 2000);
    clock.advance(1);
    assert.equal(cache.get("k"), "v");
    clock.advance(1);
    assert.equal(cache.get("k"), undefined);
  });
});
