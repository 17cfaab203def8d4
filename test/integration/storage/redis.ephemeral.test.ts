import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import { Redis } from "ioredis";
import { systemClock } from "../../../src/core/security/system-clock.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { createRedisClient } from "../../../src/storage/redis/redis-connection.js";
import { redisEphemeralStore } from "../../../src/storage/redis/redis-ephemeral.store.js";
import { ephemeralStoreContract, twoNodeHarness } from "./ephemeral-store.contract.js";
import { assertFailsFast, closedPort, serviceUrl, silentLogger } from "./services.js";

const url = serviceUrl("REDIS_URL", "Redis ephemeral store contract");

if (url) {
  const keyPrefix = `pc-test-${randomBytes(6).toString("hex")}:`;
  const inspector = new Redis(url);
  after(async () => {
    const keys = await inspector.keys(`${keyPrefix}*`);
    if (keys.length > 0) await inspector.del(...keys);
    await inspector.quit();
  });

  ephemeralStoreContract("Redis", () => twoNodeHarness(() => openEphemeral({ redisUrl: url, clock: systemClock, keyPrefix, logger: silentLogger })), 150);

  test("Redis keys carry the prefix and a TTL, counters included", async () => {
    const { store, bus } = await openEphemeral({ redisUrl: url, clock: systemClock, keyPrefix });
    await store.put("plain", "v", 10_000);
    await store.increment("counter", 10_000);
    for (const key of ["plain", "counter"]) {
      const ttl = await inspector.pttl(`${keyPrefix}${key}`);
      assert.ok(ttl > 0 && ttl <= 10_000, `${key}: ${ttl}`);
    }
    await bus.close();
    await store.close();
  });
}

test("Redis at a closed port fails fast with StorageUnavailableError", async () => {
  const closed = `redis://127.0.0.1:${await closedPort()}`;
  await assertFailsFast(() => openEphemeral({ redisUrl: closed, clock: systemClock }));
  const store = redisEphemeralStore(createRedisClient(closed, { role: "test" }), { clock: systemClock });
  await assertFailsFast(() => store.get("any"));
  await assertFailsFast(() => store.take("any"));
  await store.close();
});
