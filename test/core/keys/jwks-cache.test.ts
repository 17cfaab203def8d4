import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JWK } from "jose";
import { JWKS_REFETCH_COOLDOWN_MS, JwksCache } from "../../../src/core/keys/jwks-cache.js";
import { SafeFetchError, type SafeFetcher } from "../../../src/core/security/safe-fetch.js";

const OLD: JWK = { kty: "EC", kid: "old", x5c: ["b2xk"] };
const NEW: JWK = { kty: "EC", kid: "new", x5c: ["bmV3"] };
const isNew = (key: JWK) => key.kid === "new";

/** A fetcher serving `sets` one per fetch (the last one repeated); an Error entry fails that fetch. */
function servingFetcher(sets: (object | Error)[]) {
  let fetches = 0;
  const fetcher = {
    async fetchJson() {
      const next = sets[Math.min(fetches++, sets.length - 1)]!;
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as SafeFetcher;
  return { fetcher, fetches: () => fetches };
}

/** JwksCache.findKey: an owner's raw keys for matching by content (RFC 8705 §2.2.2 certificates in a client's JWKS). */
describe("JwksCache.findKey", () => {
  it("finds a key of an inline set without fetching; a miss is undefined", async () => {
    const { fetcher, fetches } = servingFetcher([]);
    const cache = new JwksCache(fetcher, { now: () => 0 }, 10);
    const source = { id: "client", version: "1", jwks: { keys: [OLD, NEW] } };
    assert.equal((await cache.findKey(source, isNew))?.kid, "new");
    assert.equal(await cache.findKey(source, (key) => key.kid === "other"), undefined);
    assert.equal(fetches(), 0);
  });

  it("a jwks_uri miss refetches at most once per cooldown, so a rotated certificate is found", async () => {
    let now = 0;
    const { fetcher, fetches } = servingFetcher([{ keys: [OLD] }, { keys: [OLD, NEW] }]);
    const cache = new JwksCache(fetcher, { now: () => now }, 10);
    const source = { id: "client", version: "1", jwksUri: "https://client.example/jwks" };
    assert.equal(await cache.findKey(source, isNew), undefined);
    assert.equal(fetches(), 1, "fetched once; the miss right after is inside the cooldown");
    now += JWKS_REFETCH_COOLDOWN_MS;
    assert.equal((await cache.findKey(source, isNew))?.kid, "new");
    assert.equal(fetches(), 2);
    assert.equal((await cache.findKey(source, isNew))?.kid, "new");
    assert.equal(fetches(), 2, "served from the cache");
  });

  it("a failed fetch throws SafeFetchError and is not cached; something that is not a JWK Set has no keys", async () => {
    const { fetcher, fetches } = servingFetcher([new SafeFetchError("status", "503"), { keys: "nope" }]);
    const cache = new JwksCache(fetcher, { now: () => 0 }, 10);
    const source = { id: "client", version: "1", jwksUri: "https://client.example/jwks" };
    await assert.rejects(cache.findKey(source, isNew), SafeFetchError);
    assert.equal(await cache.findKey(source, isNew), undefined);
    assert.equal(fetches(), 2);
  });
});
