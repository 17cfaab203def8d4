import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from "jose";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import { JwtSigner } from "../../../src/core/keys/jwt-signer.js";
import { JwtVerifier } from "../../../src/core/keys/jwt-verifier.js";
import { SigningKeyService } from "../../../src/core/keys/signing-key.service.js";
import type { DurableStorage, SigningKeyRecord } from "../../../src/core/ports/repositories.js";
import { MAX_ACCESS_TOKEN_TTL } from "../../../src/core/tokens/access-token.js";
import { ALL_ALGS, FakeClock, openStorage, recordingLogger, startedKeys, testConfig, testSealer } from "./key-fixtures.js";
import { idleChangeFeed } from "../../support/change-feed.js";
import { recordingAudit } from "../../support/recording-audit.js";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];
const activeKids = (keys: SigningKeyService) => ALL_ALGS.map((alg) => keys.activeKey(alg).kid);

async function activeRecords(storage: DurableStorage, now: number): Promise<SigningKeyRecord[]> {
  return (await storage.signingKeys.listPublished(now)).filter((r) => r.status === "active");
}

describe("SigningKeyService", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "portcullis-keys-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates one active key per alg, sealed at rest, published with public members only", async () => {
    const storage = await openStorage();
    const clock = new FakeClock();
    const keys = await startedKeys(storage, testConfig(), clock);
    try {
      const jwks = keys.jwks();
      assert.equal(jwks.keys.length, 4);
      for (const jwk of jwks.keys) {
        for (const member of PRIVATE_MEMBERS) assert.equal(member in jwk, false, `${jwk.alg} publishes ${member}`);
        assert.deepEqual(Object.keys(jwk).filter((m) => !["kty", "crv", "x", "y", "n", "e"].includes(m)).sort(), ["alg", "kid", "use"]);
        assert.equal(jwk.use, "sig");
        assert.equal(jwk.kid, await calculateJwkThumbprint(jwk, "sha256"));
      }
      assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), activeKids(keys).sort());
      const records = await activeRecords(storage, clock.now());
      assert.equal(records.length, 4);
      for (const record of records) {
        assert.match(record.privateJwk, /^v1\./);
        assert.equal(record.privateJwk.includes('"d"'), false);
        assert.equal(typeof JSON.parse(testSealer().unseal(record.privateJwk, record.kid)).d, "string");
        assert.throws(() => testSealer().unseal(record.privateJwk, "another-kid"));
      }
    } finally {
      keys.stop();
      await storage.close();
    }
  });

  it("reuses stored keys on restart and fails clearly for an alg without a key", async () => {
    const storage = await openStorage();
    const first = await startedKeys(storage);
    const second = await startedKeys(storage);
    const narrow = await startedKeys(storage, testConfig({ signingAlgs: "ES256" }));
    try {
      assert.deepEqual(activeKids(second), activeKids(first));
      assert.throws(() => new SigningKeyService(testConfig(), storage, testSealer(), new FakeClock(), recordingLogger(), idleChangeFeed(storage), recordingAudit()).activeKey("ES256"), /no active signing key/);
      assert.equal(narrow.activeKey("ES256").kid, first.activeKey("ES256").kid);
    } finally {
      for (const keys of [first, second, narrow]) keys.stop();
      await storage.close();
    }
  });

  it("refuses to start when the keys were sealed under another key-encryption key", async () => {
    const storage = await openStorage();
    const first = await startedKeys(storage);
    first.stop();
    try {
      const other = new SigningKeyService(testConfig(), storage, new AesGcmSealer(Buffer.alloc(32, 9)), new FakeClock(), recordingLogger(), idleChangeFeed(storage), recordingAudit());
      await assert.rejects(other.start(), /cannot unseal signing key .*KEY_ENCRYPTION_KEY/);
      other.stop();
    } finally {
      await storage.close();
    }
  });

  it("rotation keeps the old kid published until its tokens expire, then purges it (corpus K68)", async () => {
    const storage = await openStorage();
    const clock = new FakeClock();
    const keys = await startedKeys(storage, testConfig(), clock);
    try {
      const old = keys.activeKey("ES256").kid;
      const token = new JwtSigner(keys).sign("ES256", "at+jwt", { sub: "alice" });
      clock.advance(60_000);
      await keys.rotate("ES256");
      const current = keys.activeKey("ES256").kid;
      assert.notEqual(current, old);
      assert.deepEqual(keys.jwks().keys.map((k) => k.kid).filter((kid) => kid === old || kid === current).sort(), [old, current].sort());
      assert.equal(keys.activeKey("RS256").kid, activeKids(keys)[1], "other algs untouched");
      assert.equal((await new JwtVerifier(keys).verify(token)).valid, true);
      await jwtVerify(token, createLocalJWKSet(keys.jwks()));
      assert.equal(keys.overlapMs, (MAX_ACCESS_TOKEN_TTL + 30) * 1000);

      clock.advance(MAX_ACCESS_TOKEN_TTL * 1000);
      await keys.maintain();
      assert.ok(keys.jwks().keys.some((k) => k.kid === old), "still published inside the overlap");
      clock.advance(31_000);
      await keys.maintain();
      assert.equal(keys.jwks().keys.some((k) => k.kid === old), false);
      assert.equal((await storage.signingKeys.listPublished(0)).some((r) => r.kid === old), false, "purged from storage");
      assert.equal(keys.activeKey("ES256").kid, current);
    } finally {
      keys.stop();
      await storage.close();
    }
  });

  it("sees keys rotated by another process: at once on an unknown kid (throttled), else on reload", async () => {
    const storage = await openStorage();
    const clock = new FakeClock();
    let listings = 0;
    const { signingKeys } = storage;
    const counting: DurableStorage = {
      ...storage,
      signingKeys: {
        insert: (record) => signingKeys.insert(record),
        listPublished: (now) => (listings++, signingKeys.listPublished(now)),
        rotate: (alg, next, retire) => signingKeys.rotate(alg, next, retire),
        purgeExpired: (now) => signingKeys.purgeExpired(now),
      },
    };
    const server = await startedKeys(counting, testConfig(), clock);
    const cli = await startedKeys(storage, testConfig(), clock);
    try {
      await cli.rotate("EdDSA");
      const rotated = cli.activeKey("EdDSA").kid;
      const token = new JwtSigner(cli).sign("EdDSA", "at+jwt", { sub: "bob" });
      const before = listings;
      assert.equal((await new JwtVerifier(server).verify(token)).valid, true);
      assert.equal(listings, before + 1);
      assert.equal(await server.publicKey("unknown-1"), undefined);
      assert.equal(await server.publicKey("unknown-2"), undefined);
      assert.equal(listings, before + 1, "unknown kids inside the interval do not hit storage");
      clock.advance(6_000);
      assert.equal(await server.publicKey("unknown-3"), undefined);
      assert.equal(listings, before + 2);
      assert.equal(server.activeKey("EdDSA").kid, rotated);
    } finally {
      server.stop();
      cli.stop();
      await storage.close();
    }
  });

  it("rotates automatically when keyRotationInterval has elapsed", async () => {
    const storage = await openStorage();
    const clock = new FakeClock();
    const keys = await startedKeys(storage, testConfig({ keyRotationInterval: "600", signingAlgs: "ES256" }), clock);
    try {
      const first = keys.activeKey("ES256").kid;
      clock.advance(599_000);
      await keys.maintain();
      assert.equal(keys.activeKey("ES256").kid, first);
      clock.advance(1_000);
      await keys.maintain();
      const second = keys.activeKey("ES256").kid;
      assert.notEqual(second, first);
      assert.ok(keys.jwks().keys.some((k) => k.kid === first));
      assert.equal((await activeRecords(storage, clock.now())).filter((r) => r.alg === "ES256").length, 1);
    } finally {
      keys.stop();
      await storage.close();
    }
  });

  it("nodes starting together on an empty database end with one shared active key per alg", async () => {
    for (let round = 0; round < 3; round++) {
      const url = `sqlite:${join(dir, `race-${round}.db`)}`;
      const migrated = await openStorage(url);
      const storages = [migrated, await openStorage(url), await openStorage(url)];
      const clock = new FakeClock();
      const nodes = await Promise.all(storages.map((storage) => startedKeys(storage, testConfig(), clock)));
      try {
        const active = await activeRecords(migrated, clock.now());
        assert.deepEqual(active.map((r) => r.alg).sort(), [...ALL_ALGS].sort(), `round ${round}`);
        for (const node of nodes) assert.deepEqual(activeKids(node), activeKids(nodes[0]!));
        assert.equal((await migrated.signingKeys.listPublished(clock.now())).length, 4, "no extra keys");
      } finally {
        for (const node of nodes) node.stop();
        for (const storage of storages) await storage.close();
      }
    }
  });

  it("after keys were deleted by hand, a new key is made instead of resurrecting the first one", async () => {
    const file = join(dir, "deleted.db");
    const clock = new FakeClock();
    let storage = await openStorage(`sqlite:${file}`);
    let keys = await startedKeys(storage, testConfig({ signingAlgs: "ES256" }), clock);
    const first = keys.activeKey("ES256").kid;
    keys.stop();
    await storage.close();

    const db = new Database(file);
    db.prepare("delete from signing_keys").run();
    db.close();
    clock.advance((MAX_ACCESS_TOKEN_TTL + 31) * 1000);

    storage = await openStorage(`sqlite:${file}`);
    keys = await startedKeys(storage, testConfig({ signingAlgs: "ES256" }), clock);
    try {
      assert.notEqual(keys.activeKey("ES256").kid, first);
      assert.equal((await activeRecords(storage, clock.now())).filter((r) => r.alg === "ES256").length, 1);
    } finally {
      keys.stop();
      await storage.close();
    }
  });
});
