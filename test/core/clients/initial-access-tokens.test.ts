import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import Database from "better-sqlite3";
import { openRegistryFixture, type RegistryFixture } from "./registry-fixture.js";

describe("InitialAccessTokens (RFC 7591 §3)", () => {
  let dir: string;
  let f: RegistryFixture;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "portcullis-iat-"));
    f = await openRegistryFixture({ databaseUrl: `sqlite:${join(dir, "db.sqlite")}` });
  });
  afterEach(async () => {
    await f.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("verifies a created token and nothing else", async () => {
    const { token, expiresAt } = await f.initialAccessTokens.create();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(expiresAt, undefined);
    assert.deepEqual(await f.initialAccessTokens.policyOf(token), {});
    assert.equal(await f.initialAccessTokens.policyOf(`${token}x`), undefined);
    assert.equal(await f.initialAccessTokens.policyOf(""), undefined);
  });

  it("expires after its ttl", async () => {
    const { token, expiresAt } = await f.initialAccessTokens.create(60);
    assert.equal(expiresAt, new Date(f.clock.now() + 60_000).toISOString());
    f.clock.advance(59_999);
    assert.deepEqual(await f.initialAccessTokens.policyOf(token), {});
    f.clock.advance(1);
    assert.equal(await f.initialAccessTokens.policyOf(token), undefined);
  });

  it("stores only the digest", async () => {
    const { token } = await f.initialAccessTokens.create();
    const db = new Database(join(dir, "db.sqlite"), { readonly: true });
    const rows = JSON.stringify(db.prepare("select * from registration_tokens").all());
    db.close();
    assert.equal(rows.includes(token), false);
    assert.match(rows, /"digest":"[A-Za-z0-9_-]{43}"/);
  });

  it("keeps what the token requires of registrations, without false flags or empty lists", async () => {
    const requirements = { requireSoftwareStatement: true, softwareStatementIssuers: ["https://ssa.example", "https://ssa.example"], softwareIds: [], requireEvidence: false };
    const { token, policy } = await f.initialAccessTokens.create(undefined, requirements);
    assert.deepEqual(policy, { requireSoftwareStatement: true, softwareStatementIssuers: ["https://ssa.example"] });
    assert.deepEqual(await f.initialAccessTokens.policyOf(token), policy);
    await assert.rejects(f.initialAccessTokens.create(undefined, { softwareIds: ["has space"] }), /softwareIds must be visible ASCII/);
  });

  it("refuses a ttl that is not a positive whole number", async () => {
    for (const ttl of [0, -5, 1.5, Number.NaN]) await assert.rejects(f.initialAccessTokens.create(ttl), RangeError);
  });
});
