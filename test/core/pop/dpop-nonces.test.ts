import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DPOP_NONCE_WINDOW_MS, DpopNonces } from "../../../src/core/pop/dpop/dpop-nonces.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { FakeClock } from "../../support/fake-clock.js";
import { counterRandom } from "../keys/key-fixtures.js";

/** One `serverSecrets` table shared by "nodes" (getOrCreate keeps the first value, as the SQL repository does). */
function sharedSecrets(): DurableStorage {
  const secrets = new Map<string, string>();
  return {
    serverSecrets: {
      async getOrCreate(name: string, candidate: string) {
        if (!secrets.has(name)) secrets.set(name, candidate);
        return secrets.get(name)!;
      },
    },
  } as unknown as DurableStorage;
}

describe("DpopNonces (RFC 9449 §8, §9)", () => {
  it("is stateless across nodes: another node with the same secret accepts the nonce and issues the same one", async () => {
    const storage = sharedSecrets();
    const clock = new FakeClock();
    const a = new DpopNonces(storage, counterRandom("a"), clock);
    const b = new DpopNonces(storage, counterRandom("b"), clock);
    const nonce = await a.current();
    assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await b.current(), nonce);
    assert.equal(await b.isFresh(nonce), true);
  });

  it("rotates: a nonce is accepted in its window and the next, not after; another server's never", async () => {
    const clock = new FakeClock(Math.floor(Date.UTC(2026, 10, 28) / DPOP_NONCE_WINDOW_MS) * DPOP_NONCE_WINDOW_MS);
    const nonces = new DpopNonces(sharedSecrets(), counterRandom("n"), clock);
    const nonce = await nonces.current();
    clock.advance(DPOP_NONCE_WINDOW_MS - 1);
    assert.equal(await nonces.isFresh(nonce), true);
    clock.advance(1);
    assert.notEqual(await nonces.current(), nonce, "a new window, a new nonce");
    assert.equal(await nonces.isFresh(nonce), true, "the previous window is still accepted");
    clock.advance(DPOP_NONCE_WINDOW_MS);
    assert.equal(await nonces.isFresh(nonce), false);
    const elsewhere = new DpopNonces(sharedSecrets(), counterRandom("x"), clock);
    assert.equal(await elsewhere.isFresh(await nonces.current()), false);
    for (const junk of [undefined, 42, "", "x".repeat(43)]) assert.equal(await nonces.isFresh(junk), false);
  });
});
