import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, afterEach, beforeEach, describe, it } from "node:test";
import { Redis } from "ioredis";
import { PushedRequestService, REQUEST_URI_PREFIX } from "../../../src/core/par/pushed-request.service.js";
import type { EphemeralStore, RevocationBus } from "../../../src/core/ports/ephemeral-store.js";
import { secretDigest } from "../../../src/core/security/digest.js";
import { cryptoRandom } from "../../../src/core/security/system-clock.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { FakeClock } from "../../support/fake-clock.js";
import { serviceUrl, silentLogger } from "../../integration/storage/services.js";
import { testConfig } from "../keys/key-fixtures.js";

const PAR_TTL = 60;
const PARAMS = { response_type: "code", redirect_uri: "https://a.example/cb", scope: "openid profile", resource: ["https://r1.example", "https://r2.example"] };
const invalidRequestUri = { error: "invalid_request_uri" };

/** The PushedRequestService contract (RFC 9126) against one EphemeralStore backend. */
function pushedRequestContract(backend: string, open: (clock: FakeClock) => Promise<{ store: EphemeralStore; bus: RevocationBus }>, expires: boolean): void {
  describe(`PushedRequestService (RFC 9126) on ${backend}`, () => {
    let clock: FakeClock;
    let store: EphemeralStore;
    let bus: RevocationBus;
    let par: PushedRequestService;

    beforeEach(async () => {
      clock = new FakeClock();
      ({ store, bus } = await open(clock));
      par = new PushedRequestService(store, cryptoRandom, testConfig({ parTtl: String(PAR_TTL) }));
    });
    afterEach(async () => {
      await bus.close();
      await store.close();
    });

    it("push returns a urn request_uri with ≥128 random bits and expires_in = PAR_TTL (RFC 9126 §2.2, corpus 48)", async () => {
      const first = await par.push("client-a", PARAMS);
      const second = await par.push("client-a", PARAMS);
      assert.equal(first.expiresIn, PAR_TTL);
      for (const { requestUri } of [first, second]) {
        assert.ok(requestUri.startsWith(REQUEST_URI_PREFIX), requestUri);
        const random = requestUri.slice(REQUEST_URI_PREFIX.length);
        assert.match(random, /^[A-Za-z0-9_-]+$/);
        assert.ok(Buffer.from(random, "base64url").length * 8 >= 128, random);
      }
      assert.notEqual(first.requestUri, second.requestUri);
    });

    it("stores by the request_uri's digest with a TTL of PAR_TTL, never the request_uri itself", async () => {
      const { requestUri } = await par.push("client-a", PARAMS);
      const ttl = await store.ttl(`par:${secretDigest(requestUri)}`);
      assert.ok(ttl !== undefined && ttl > 0 && ttl <= PAR_TTL * 1000, String(ttl));
      assert.equal(await store.get(`par:${requestUri}`), undefined);
    });

    it("honours a configured PAR_TTL and rejects one outside 5..600", async () => {
      const short = new PushedRequestService(store, cryptoRandom, testConfig({ parTtl: "5" }));
      assert.equal((await short.push("client-a", PARAMS)).expiresIn, 5);
      assert.equal(testConfig().parTtl, 60);
      assert.throws(() => testConfig({ parTtl: "4" }), /PAR_TTL/);
      assert.throws(() => testConfig({ parTtl: "601" }), /PAR_TTL/);
    });

    it("load works twice: a reload before completion succeeds (RFC 9126 §7.3, corpus 50)", async () => {
      const { requestUri } = await par.push("client-a", PARAMS);
      assert.deepEqual(await par.load(requestUri, "client-a"), PARAMS);
      assert.deepEqual(await par.load(requestUri, "client-a"), PARAMS);
    });

    it("after complete, load and complete give invalid_request_uri (RFC 9126 §7.3, corpus 50)", async () => {
      const { requestUri } = await par.push("client-a", PARAMS);
      await par.complete(requestUri, "client-a");
      await assert.rejects(par.load(requestUri, "client-a"), invalidRequestUri);
      await assert.rejects(par.complete(requestUri, "client-a"), invalidRequestUri);
    });

    it("an unknown request_uri gives invalid_request_uri with a description that does not echo it", async () => {
      const unknown = REQUEST_URI_PREFIX + cryptoRandom.token(32);
      await assert.rejects(par.load(unknown, "client-a"), (error: Error & { error: string; description?: string }) => {
        assert.equal(error.error, "invalid_request_uri");
        assert.ok(error.description && !error.description.includes(unknown), error.description);
        return true;
      });
      await assert.rejects(par.complete(unknown, "client-a"), invalidRequestUri);
    });

    it("expires after PAR_TTL: invalid_request_uri (RFC 9126 §2.2, corpus 51)", { skip: expires ? false : "Redis expires keys by its own clock; the TTL test above checks PAR_TTL" }, async () => {
      const { requestUri } = await par.push("client-a", PARAMS);
      clock.advance(PAR_TTL * 1000 - 1);
      assert.deepEqual(await par.load(requestUri, "client-a"), PARAMS);
      clock.advance(1);
      await assert.rejects(par.load(requestUri, "client-a"), invalidRequestUri);
      await assert.rejects(par.complete(requestUri, "client-a"), invalidRequestUri);
    });

    it("client B cannot load or complete client A's request_uri, and A still can (RFC 9126 §4, corpus 51)", async () => {
      const { requestUri } = await par.push("client-a", PARAMS);
      await assert.rejects(par.load(requestUri, "client-b"), invalidRequestUri);
      await assert.rejects(par.complete(requestUri, "client-b"), invalidRequestUri);
      assert.deepEqual(await par.load(requestUri, "client-a"), PARAMS);
      await par.complete(requestUri, "client-a");
    });

    it("rejects request_uri inside the pushed parameters with invalid_request (RFC 9126 §2.1, corpus 49)", async () => {
      await assert.rejects(par.push("client-a", { ...PARAMS, request_uri: "urn:ietf:params:oauth:request_uri:x" }), { error: "invalid_request" });
      await assert.rejects(par.push("client-a", { ...PARAMS, request_uri: ["a", "b"] }), { error: "invalid_request" });
    });

    it("rejects malformed request_uris with invalid_request_uri before any lookup", async () => {
      const { requestUri } = await par.push("client-a", PARAMS);
      const random = requestUri.slice(REQUEST_URI_PREFIX.length);
      const malformed = [
        "",
        random,
        `https://as.example/par/${random}`,
        `urn:ietf:params:oauth:request_uri:`,
        `URN:IETF:PARAMS:OAUTH:REQUEST_URI:${random}`,
        ` ${requestUri}`,
        `${requestUri} `,
        `${requestUri}#x`,
        REQUEST_URI_PREFIX + "a".repeat(200 - REQUEST_URI_PREFIX.length + 1),
        REQUEST_URI_PREFIX + "a".repeat(10_000),
      ];
      for (const uri of malformed) {
        await assert.rejects(par.load(uri, "client-a"), invalidRequestUri, JSON.stringify(uri.slice(0, 80)));
        await assert.rejects(par.complete(uri, "client-a"), invalidRequestUri, JSON.stringify(uri.slice(0, 80)));
      }
      assert.deepEqual(await par.load(requestUri, "client-a"), PARAMS);
    });

    it("S105: of 20 concurrent completions exactly one succeeds, 19 get invalid_request_uri (RFC 9126 §7.3)", async () => {
      const { requestUri } = await par.push("client-a", PARAMS);
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => par.complete(requestUri, "client-a")));
      const fulfilled = results.filter((r) => r.status === "fulfilled");
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      assert.equal(fulfilled.length, 1);
      assert.equal(rejected.length, 19);
      for (const r of rejected) assert.equal((r.reason as { error: string }).error, "invalid_request_uri");
      await assert.rejects(par.load(requestUri, "client-a"), invalidRequestUri);
    });
  });
}

pushedRequestContract("the memory store", (clock) => openEphemeral({ clock }), true);

const redisUrl = serviceUrl("REDIS_URL", "PushedRequestService on Redis");
if (redisUrl) {
  const keyPrefix = `pc-test-par-${randomBytes(6).toString("hex")}:`;
  after(async () => {
    const inspector = new Redis(redisUrl);
    const keys = await inspector.keys(`${keyPrefix}*`);
    if (keys.length > 0) await inspector.del(...keys);
    await inspector.quit();
  });
  pushedRequestContract("Redis", (clock) => openEphemeral({ redisUrl, clock, keyPrefix, logger: silentLogger }), false);
}
