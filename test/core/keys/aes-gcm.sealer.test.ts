import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import { GENERATED_KEK_NAME, loadSealer } from "../../../src/core/keys/load-sealer.js";
import { counterRandom, openStorage, recordingLogger, testConfig, testSealer } from "./key-fixtures.js";

describe("AesGcmSealer", () => {
  it("round-trips with and without associated data, with a fresh IV each time", () => {
    const sealer = testSealer();
    const a = sealer.seal("secret ✓", "kid-1");
    const b = sealer.seal("secret ✓", "kid-1");
    assert.match(a, /^v1\.[A-Za-z0-9_-]+$/);
    assert.notEqual(a, b);
    assert.equal(sealer.unseal(a, "kid-1"), "secret ✓");
    assert.equal(sealer.unseal(sealer.seal("")), "");
  });

  it("rejects other associated data, another key, and every tampered byte", () => {
    const sealer = testSealer();
    const sealed = sealer.seal("private key", "kid-1");
    assert.throws(() => sealer.unseal(sealed, "kid-2"));
    assert.throws(() => sealer.unseal(sealed));
    assert.throws(() => new AesGcmSealer(Buffer.alloc(32, 8)).unseal(sealed, "kid-1"));
    const raw = Buffer.from(sealed.slice(3), "base64url");
    for (let i = 0; i < raw.length; i++) {
      const tampered = Buffer.from(raw);
      tampered[i]! ^= 1;
      assert.throws(() => sealer.unseal(`v1.${tampered.toString("base64url")}`, "kid-1"), `byte ${i}`);
    }
  });

  it("rejects malformed values and wrong key sizes", () => {
    const sealer = testSealer();
    for (const bad of ["", "v1.", "v2." + sealer.seal("x").slice(3), "v1.AAAA", "no prefix", "v1.!!!!"]) assert.throws(() => sealer.unseal(bad));
    assert.throws(() => new AesGcmSealer(Buffer.alloc(16)), RangeError);
  });
});

describe("loadSealer", () => {
  it("uses KEY_ENCRYPTION_KEY when configured, without a warning", async () => {
    const key = Buffer.alloc(32, 3).toString("base64url");
    const logger = recordingLogger();
    const storage = await openStorage();
    try {
      const sealer = await loadSealer({ config: testConfig({ keyEncryptionKey: key }), durable: storage, random: counterRandom(), logger });
      assert.equal(new AesGcmSealer(Buffer.alloc(32, 3)).unseal(sealer.seal("x", "ad"), "ad"), "x");
      assert.deepEqual(logger.warnings, []);
    } finally {
      await storage.close();
    }
  });

  it("falls back to one generated key kept in the database, warning once per load", async () => {
    const logger = recordingLogger();
    const storage = await openStorage();
    try {
      const deps = { config: testConfig(), durable: storage, logger };
      const [first, second] = await Promise.all([loadSealer({ ...deps, random: counterRandom("a") }), loadSealer({ ...deps, random: counterRandom("b") })]);
      assert.equal(second.unseal(first.seal("shared", "ad"), "ad"), "shared");
      assert.equal(logger.warnings.length, 2);
      assert.match(logger.warnings[0]!, /KEY_ENCRYPTION_KEY/);
      const stored = await storage.serverSecrets.getOrCreate(GENERATED_KEK_NAME, "unused");
      assert.equal(Buffer.from(stored, "base64url").length, 32);
    } finally {
      await storage.close();
    }
  });
});
