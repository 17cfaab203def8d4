import "reflect-metadata";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import { after, before, describe, it, mock } from "node:test";
import { CoreClientAuthContext } from "../../../src/core/clients/client-auth-context.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { Harness } from "./client-auth-harness.js";

const SECRET = "Xq3-secret-of-43-characters_0123456789abcd";

describe("CoreClientAuthContext.secretMatches (corpus S120)", () => {
  let h: Harness;
  let ctx: CoreClientAuthContext;
  let client: Client;

  before(async () => {
    h = await Harness.open();
    ctx = h.container.resolve(CoreClientAuthContext);
    client = await h.addClient({ clientId: "c", metadata: {}, secret: SECRET });
  });
  after(() => h.close());

  it("matches the right secret only", () => {
    assert.equal(ctx.secretMatches(client, SECRET), true);
    assert.equal(ctx.secretMatches(client, `${SECRET}x`), false);
    assert.equal(ctx.secretMatches(client, ""), false);
    assert.equal(ctx.secretMatches({ ...client, secretDigest: undefined }, SECRET), false);
  });

  it("refuses an expired secret; 0 means it never expires", () => {
    assert.equal(ctx.secretMatches({ ...client, secretExpiresAt: h.clock.seconds }, SECRET), false);
    assert.equal(ctx.secretMatches({ ...client, secretExpiresAt: h.clock.seconds + 1 }, SECRET), true);
    assert.equal(ctx.secretMatches({ ...client, secretExpiresAt: 0 }, SECRET), true);
  });

  it("compares with crypto.timingSafeEqual over two 32-byte SHA-256 digests, whatever the presented length, and never runs a password hash", () => {
    const equal = mock.method(crypto, "timingSafeEqual");
    const hashes = ["scryptSync", "pbkdf2Sync", "scrypt", "pbkdf2"].map((name) => mock.method(crypto, name as "scrypt"));
    syncBuiltinESMExports();
    try {
      const presented = ["x", SECRET, SECRET.slice(0, -1) + "!", "y".repeat(5000)];
      for (const value of presented) ctx.secretMatches(client, value);
      assert.equal(equal.mock.callCount(), presented.length);
      for (const call of equal.mock.calls) assert.deepEqual(call.arguments.map((b) => (b as Buffer).length), [32, 32]);
      for (const hash of hashes) assert.equal(hash.mock.callCount(), 0);
    } finally {
      mock.restoreAll();
      syncBuiltinESMExports();
    }
  });
});
