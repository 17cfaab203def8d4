import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cacheKey, isCacheableAnswer, isCacheableRequest } from "../../src/resource-server/cache-policy.js";
import { TokenCache } from "../../src/resource-server/token-cache.js";
import type { ValidatedToken } from "../../src/resource-server/token-validation.js";
import { FakeClock } from "../support/fake-clock.js";

const NOW_S = Date.UTC(2026, 10, 28, 12, 0, 0) / 1000;

function token(jti: string, extra: Partial<ValidatedToken> = {}): ValidatedToken {
  return { subject: "alice", clientId: "app", scopes: [], audiences: [], expiresAt: NOW_S + 3600, issuedAt: NOW_S, jti, tokenType: "Bearer", claims: {}, ...extra };
}

function liveCache(maxEntries = 10, maxAgeMs = 60_000) {
  const clock = new FakeClock();
  const cache = new TokenCache({ maxEntries, maxAgeMs, clock });
  cache.reset(true);
  return { clock, cache };
}

/** The positive-answer cache: LRU bound, expiry, revocation eviction, generations (RFC 7662 §4, RFC 7009 §2.1). */
describe("TokenCache", () => {
  it("keeps at most maxEntries, dropping the least recently used", () => {
    const { cache } = liveCache(2);
    cache.set("a", token("a"), cache.generation);
    cache.set("b", token("b"), cache.generation);
    assert.equal(cache.get("a")?.jti, "a");
    cache.set("c", token("c"), cache.generation);
    assert.equal(cache.size, 2);
    assert.equal(cache.get("b"), undefined, "b was the least recently used");
    assert.equal(cache.get("a")?.jti, "a");
    assert.equal(cache.get("c")?.jti, "c");
  });

  it("serves an answer until the max age or the token's exp, whichever comes first", () => {
    const { clock, cache } = liveCache(10, 60_000);
    cache.set("long", token("long"), cache.generation);
    cache.set("short", token("short", { expiresAt: NOW_S + 10 }), cache.generation);
    clock.advance(9_999);
    assert.ok(cache.get("short"));
    clock.advance(1);
    assert.equal(cache.get("short"), undefined, "expired with the token");
    clock.advance(49_999);
    assert.ok(cache.get("long"));
    clock.advance(1);
    assert.equal(cache.get("long"), undefined, "expired at the max age");
    assert.equal(cache.size, 0);
  });

  it("evicts by jti, by grant (gid claim) and by client", () => {
    const { cache } = liveCache();
    cache.set("t1", token("t1"), cache.generation);
    cache.set("t2", token("t2", { claims: { gid: "g1" } }), cache.generation);
    cache.set("t3", token("t3", { claims: { gid: "g1" } }), cache.generation);
    cache.set("t4", token("t4", { clientId: "other" }), cache.generation);
    cache.evict("token", "t1");
    assert.equal(cache.get("t1"), undefined);
    cache.evict("grant", "g1");
    assert.equal(cache.get("t2"), undefined);
    assert.equal(cache.get("t3"), undefined);
    assert.ok(cache.get("t4"));
    cache.evict("client", "other");
    assert.equal(cache.size, 0);
  });

  it("does not store an answer fetched before an eviction or reset (generation)", () => {
    const { cache } = liveCache();
    const before = cache.generation;
    cache.evict("token", "unrelated");
    cache.set("a", token("a"), before);
    assert.equal(cache.get("a"), undefined);
    const beforeReset = cache.generation;
    cache.reset(true);
    cache.set("a", token("a"), beforeReset);
    assert.equal(cache.size, 0);
  });

  it("neither serves nor stores while not live (the revocation stream is down), and drops everything on reset", () => {
    const { cache } = liveCache();
    cache.set("a", token("a"), cache.generation);
    cache.reset(false);
    assert.equal(cache.size, 0);
    cache.set("b", token("b"), cache.generation);
    assert.equal(cache.size, 0);
    cache.reset(true);
    cache.set("b", token("b"), cache.generation);
    assert.ok(cache.get("b"));
  });

  it("stores nothing with maxEntries 0", () => {
    const { cache } = liveCache(0);
    cache.set("a", token("a"), cache.generation);
    assert.equal(cache.size, 0);
  });
});

/** What may be cached, and under which key (RFC 9449 §4.3, §7.1; RFC 8705 §3). */
describe("cache policy", () => {
  const base = { token: "secret-token", clientCertificateThumbprint: "", requiredScopes: ["a", "b"], requiredAudience: "https://api" };

  it("keys by token, certificate thumbprint, scope set and audience — never by the token alone", () => {
    assert.equal(cacheKey(base), cacheKey({ ...base, requiredScopes: ["b", "a", "b"] }));
    for (const other of [{ token: "u" }, { clientCertificateThumbprint: "x" }, { requiredScopes: ["a"] }, { requiredAudience: "" }]) {
      assert.notEqual(cacheKey(base), cacheKey({ ...base, ...other }), JSON.stringify(other));
    }
    assert.match(cacheKey(base), /^[\w-]{43}$/, "a SHA-256 digest, not the token");
  });

  it("never answers a request with a DPoP proof from the cache, nor stores a DPoP-bound token; certificate-bound is fine", () => {
    assert.equal(isCacheableRequest(undefined), true);
    assert.equal(isCacheableRequest("proof"), false);
    assert.equal(isCacheableAnswer(token("a")), true);
    assert.equal(isCacheableAnswer(token("a", { confirmation: { x5tS256: "x" } })), true);
    assert.equal(isCacheableAnswer(token("a", { confirmation: { jkt: "k" } })), false);
    assert.equal(isCacheableAnswer(token("a", { tokenType: "DPoP" })), false);
  });
});
