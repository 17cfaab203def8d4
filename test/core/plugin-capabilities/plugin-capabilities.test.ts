import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthenticationSealService } from "../../../src/core/plugin-capabilities/authentication-seal.service.js";
import { SingleUseStores } from "../../../src/core/plugin-capabilities/single-use-stores.js";
import { isVouched, vouch } from "../../../src/core/security/vouched.js";
import type { AuthenticatedUser } from "../../../src/plugin-sdk/capabilities.js";
import { MemoryEphemeralStore } from "../../../src/storage/memory/memory-ephemeral.store.js";
import { FakeClock } from "../../support/fake-clock.js";
import { testSealer } from "../keys/key-fixtures.js";

const authentication = (): AuthenticatedUser => vouch({ subject: "u-1", authTime: 1_700_000_000, amr: ["pwd", "otp"], acr: "urn:example:loa:2", sessionId: "sid-1" });

describe("vouched facts (DESIGN 'Grants decide; core mints')", () => {
  it("only the very object core vouched for counts; it is frozen deeply, and a copy is not vouched", () => {
    const user = authentication();
    assert.ok(isVouched(user));
    assert.ok(Object.isFrozen(user) && Object.isFrozen(user.amr));
    assert.throws(() => (user.amr as string[]).push("hwk"), TypeError);
    assert.equal(isVouched({ ...user }), false);
    assert.equal(isVouched(structuredClone(user)), false);
    assert.equal(isVouched(undefined), false);
  });
});

describe("AuthenticationSeal: a vouched authentication across requests and nodes", () => {
  const seal = new AuthenticationSealService(testSealer());

  it("round-trips to an equal, vouched authentication", () => {
    const sealed = seal.seal(authentication());
    const opened = seal.unseal(sealed);
    assert.deepEqual(opened, authentication());
    assert.ok(isVouched(opened));
  });

  it("refuses to seal what core did not vouch for", () => {
    assert.throws(() => seal.seal({ subject: "mallory", authTime: 1, amr: [] }), /only an authentication core issued can be sealed/);
  });

  it("an altered or foreign sealed value is invalid_grant", () => {
    const sealed = seal.seal(authentication());
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === "A" ? "B" : "A"}${sealed.at(-1)}`;
    for (const bad of [flipped, testSealer().seal(JSON.stringify({ subject: "mallory", authTime: 1, amr: [] }), "another-purpose"), "v1.garbage"]) {
      assert.throws(() => seal.unseal(bad), { error: "invalid_grant", description: "the authentication record is invalid" });
    }
  });
});

describe("SingleUseStores: each plugin module's own namespace", () => {
  const stores = () => {
    const ephemeral = new MemoryEphemeralStore(new FakeClock());
    return { ephemeral, stores: new SingleUseStores(ephemeral) };
  };

  it("a key of one module is invisible to another and to core's keys", async () => {
    const { ephemeral, stores: s } = stores();
    const [a, b] = [s.for("grants.a"), s.for("grants.b")];
    await a.put("code", "for-a", 60_000);
    await ephemeral.put("code", "core's", 60_000);
    assert.equal(await b.get("code"), undefined);
    assert.equal(await b.take("code"), undefined);
    assert.equal(await a.get("code"), "for-a");
    assert.equal(await ephemeral.get("code"), "core's");
    assert.equal(await b.putIfAbsent("code", "for-b", 60_000), true, "b's key is its own");
  });

  it("of any number of concurrent takes exactly one gets the value; putIfAbsent stores once", async () => {
    const store = stores().stores.for("grants.a");
    await store.put("device", "approved", 60_000);
    const taken = await Promise.all(Array.from({ length: 20 }, () => store.take("device")));
    assert.deepEqual(taken.filter(Boolean), ["approved"]);
    const stored = await Promise.all(Array.from({ length: 20 }, () => store.putIfAbsent("jti", "seen", 60_000)));
    assert.equal(stored.filter(Boolean).length, 1);
    assert.deepEqual([await store.increment("tries", 60_000), await store.increment("tries", 60_000)], [1, 2]);
  });

  it("values expire with their TTL on the injected clock", async () => {
    const clock = new FakeClock();
    const store = new SingleUseStores(new MemoryEphemeralStore(clock)).for("grants.a");
    await store.put("code", "v", 1_000);
    clock.advance(1_001);
    assert.equal(await store.get("code"), undefined);
  });
});
