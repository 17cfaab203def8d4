import assert from "node:assert/strict";
import { test } from "node:test";
import { StorageUnavailableError } from "../../../src/core/errors/storage-unavailable.js";
import type { Clock } from "../../../src/core/ports/clock.js";
import { MemoryEphemeralStore } from "../../../src/storage/memory/memory-ephemeral.store.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { ephemeralStoreContract } from "./ephemeral-store.contract.js";
import { silentLogger } from "./services.js";

/** A clock the test moves by hand. */
function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

ephemeralStoreContract("memory", async () => {
  const clock = fakeClock();
  const { store, bus } = await openEphemeral({ clock, logger: silentLogger });
  return {
    store,
    elapse: async (ms) => clock.advance(ms),
    buses: [bus, bus],
    close: async () => {
      await bus.close();
      await store.close();
    },
  };
});

test("memory store: a full store evicts expired entries, then fails closed", async () => {
  const clock = fakeClock();
  const store = new MemoryEphemeralStore(clock, { maxEntries: 2 });
  await store.put("a", "1", 100);
  await store.put("b", "2", 1000);
  clock.advance(500);
  await store.put("c", "3", 1000);
  assert.deepEqual(await store.exists(["a", "b", "c"]), [false, true, true]);
  await store.put("b", "replaced", 1000);
  await assert.rejects(store.putIfAbsent("d", "4", 1000), StorageUnavailableError);
  await store.close();
});

test("memory store: a clock stepping back (NTP correction) brings no expired entry back, and TTLs stay positive (corpus S112)", async () => {
  const clock = fakeClock();
  let monotonic = 0;
  const store = new MemoryEphemeralStore(clock, { monotonicNow: () => monotonic });
  await store.put("code", "1", 1000);
  await store.put("later", "2", 5000);
  clock.advance(2000);
  monotonic += 2000;
  clock.advance(-60_000);
  assert.equal(await store.get("code"), undefined, "expired before the step: stays expired");
  assert.equal(await store.take("code"), undefined);
  assert.equal(await store.ttl("later"), 3000, "what is alive keeps its remaining time, not 63 s more");
  await store.put("new", "3", 1000);
  assert.ok((await store.ttl("new"))! > 0);
  await store.close();
});
