import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { Redis } from "ioredis";
import type { RevocationEvent } from "../../../src/core/ports/ephemeral-store.js";
import { systemClock } from "../../../src/core/security/system-clock.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { parseClusterUrl } from "../../../src/storage/redis/redis-url.js";
import { ephemeralStoreContract, twoNodeHarness } from "./ephemeral-store.contract.js";
import { type LocalRedisCluster, missingRedisBinaries, startLocalRedisCluster } from "./local-redis-cluster.js";
import { assertFailsFast, closedPort, silentLogger } from "./services.js";

const SUITE = "Redis Cluster ephemeral store (a local three-master cluster)";
const missing = missingRedisBinaries();

if (missing && process.env.CI_REQUIRE_SERVICES === "1") {
  test(SUITE, () => {
    throw new Error(`${missing}; required because CI_REQUIRE_SERVICES=1`);
  });
} else if (missing) {
  test(SUITE, { skip: missing }, () => {});
} else {
  let cluster: LocalRedisCluster | undefined;
  const keyPrefix = `pc-test-${randomBytes(6).toString("hex")}:`;
  const channel = `${keyPrefix}revocations`;
  const url = () => cluster!.url;
  const open = () => openEphemeral({ redisUrl: url(), clock: systemClock, keyPrefix, logger: silentLogger });
  /** Plain connections to each master (no redirects): what each node itself holds. */
  const nodeClients = () => cluster!.ports.map((port) => new Redis(port, "127.0.0.1", { lazyConnect: true }));

  before(async () => {
    cluster = await startLocalRedisCluster();
  });
  after(() => cluster?.destroy());

  ephemeralStoreContract("Redis Cluster", () => twoNodeHarness(open), 150);

  test("keys on three masters: each holds one, with the prefix and a TTL; exists asks every slot", async () => {
    const { store, bus } = await open();
    const nodes = nodeClients();
    try {
      // Hash tags {a}, {b}, {c} give slots 15495, 3300 and 7365: one in each third of the slot space.
      const keys = ["spread:{a}", "spread:{b}", "spread:{c}"];
      for (const key of keys) await store.put(key, "v", 10_000);
      assert.equal(await store.increment("spread:{b}:count", 10_000), 1);
      const held = await Promise.all(nodes.map((node) => node.keys(`${keyPrefix}spread:*`)));
      assert.deepEqual(held.map((k) => k.filter((key) => !key.endsWith(":count")).length), [1, 1, 1], JSON.stringify(held));
      for (const [i, node] of nodes.entries()) {
        for (const key of held[i]!) {
          const ttl = await node.pttl(key);
          assert.ok(ttl > 0 && ttl <= 10_000, `${key}: ${ttl}`);
        }
      }
      assert.deepEqual(await store.exists(["spread:{c}", "spread:{a}:absent", ...keys, "spread:{d}"]), [true, false, true, true, true, false]);
    } finally {
      for (const node of nodes) node.disconnect();
      await bus.close();
      await store.close();
    }
  });

  test("the revocation bus hears a PUBLISH made on any master, and every event of another node's bus", async () => {
    const listener = await open();
    const publisher = await open();
    const nodes = nodeClients();
    const received: RevocationEvent[] = [];
    listener.bus.subscribe((event) => received.push(event));
    const waitFor = async (count: number) => {
      const deadline = Date.now() + 2000;
      while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(received.length, count);
    };
    try {
      for (const [i, node] of nodes.entries()) await node.publish(channel, JSON.stringify({ kind: "grant", id: `node-${i}`, revokedAt: i }));
      await waitFor(nodes.length);
      assert.deepEqual(new Set(received.map((e) => e.id)), new Set(nodes.map((_, i) => `node-${i}`)));
      received.length = 0;
      const sent: RevocationEvent[] = Array.from({ length: 20 }, (_, i) => ({ kind: "token", id: `jti-${i}`, revokedAt: i }));
      for (const event of sent) await publisher.bus.publish(event);
      await waitFor(sent.length);
      // Each PUBLISH goes to some master, which forwards it over the cluster bus: order across publishes is not kept.
      assert.deepEqual([...received].sort((a, b) => a.revokedAt - b.revokedAt), sent);
    } finally {
      for (const node of nodes) node.disconnect();
      for (const { bus, store } of [listener, publisher]) {
        await bus.close();
        await store.close();
      }
    }
  });

  test("with every node killed, operations fail fast with StorageUnavailableError; they recover once the nodes are back", async () => {
    const { store, bus } = await open();
    const listener = await open();
    try {
      await store.put("before-the-outage", "v", 10_000);
      await cluster!.kill();
      await assertFailsFast(() => store.get("before-the-outage"));
      await assertFailsFast(() => store.take("before-the-outage"));
      await assertFailsFast(() => store.exists(["x", "y", "z"]));
      await assertFailsFast(() => bus.publish({ kind: "client", id: "c", revokedAt: 0 }));
      await new Promise((resolve) => setTimeout(resolve, 500)); // the loss is noticed; the cluster reconnects in the background
      await assertFailsFast(() => store.increment("counter", 1000));
      await assertFailsFast(() => store.putIfAbsent("jti", "v", 1000));
      await assertFailsFast(() => open());

      await cluster!.restart();
      const received: RevocationEvent[] = [];
      listener.bus.subscribe((event) => received.push(event));
      const deadline = Date.now() + 10_000;
      const keys = ["after:{a}", "after:{b}", "after:{c}"];
      for (;;) {
        const ok = await Promise.all(keys.map((key) => store.put(key, "v", 10_000))).then(() => bus.publish({ kind: "client", id: "back", revokedAt: 1 })).then(
          () => received.length > 0,
          () => false,
        );
        if (ok) break;
        assert.ok(Date.now() < deadline, "the store and the bus did not recover within 10 s of the restart");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.deepEqual(await store.exists(keys), [true, true, true]);
      assert.equal(received[0]?.id, "back");
    } finally {
      for (const node of [{ store, bus }, listener]) {
        await node.bus.close();
        await node.store.close();
      }
    }
  });
}

test("Redis Cluster at closed ports fails fast with StorageUnavailableError", async () => {
  const closed = `redis+cluster://127.0.0.1:${await closedPort()},127.0.0.1:${await closedPort()}`;
  await assertFailsFast(() => openEphemeral({ redisUrl: closed, clock: systemClock, logger: silentLogger }));
});

test("cluster URLs: seed nodes, credentials, TLS and query options; a malformed one is a TypeError", () => {
  assert.equal(parseClusterUrl("redis://127.0.0.1:6379"), undefined);
  assert.deepEqual(parseClusterUrl("redis+cluster://127.0.0.1:7000,127.0.0.1:7001"), {
    nodes: [
      { host: "127.0.0.1", port: 7000 },
      { host: "127.0.0.1", port: 7001 },
    ],
    nodeOptions: {},
  });
  assert.deepEqual(parseClusterUrl("rediss+cluster://app:p%40ss:w@cache-1,[::1]:7001/?family=6"), {
    nodes: [
      { host: "cache-1", port: 6379 },
      { host: "::1", port: 7001 },
    ],
    nodeOptions: { family: 6, username: "app", password: "p@ss:w", tls: {} },
  });
  for (const malformed of ["redis+cluster://", "redis+cluster://h1:7000,,h2:7001", "redis+cluster://h1:port", "redis+cluster://h1:7000/2", "redis+cluster://h1:70000", "redis+cluster://u:%zz@h1:7000"]) {
    assert.throws(() => parseClusterUrl(malformed), TypeError, malformed);
  }
});
