import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { secretDigest } from "../../../src/core/security/digest.js";
import { MAX_ACCESS_TOKEN_TTL } from "../../../src/core/tokens/access-token.js";
import { revokedGrantKey, revokedTokenKey } from "../../../src/core/tokens/revocation.service.js";
import { mintRequest, tokenFixture, type TokenFixture } from "./token-fixtures.js";

describe("RevocationServiceImpl", () => {
  let f: TokenFixture;
  beforeEach(async () => {
    f = await tokenFixture();
  });
  afterEach(() => f.close());

  it("indexes a revoked token until its exp plus clock tolerance and publishes the event", async () => {
    const issued = await f.minter.mint(mintRequest({ ttl: 600 }));
    f.clock.advance(100_000);
    const active = (await f.validator.validateAccessToken(issued.token))!;
    await f.revocation.revokeAccessToken(active, { cause: "request", clientId: "client-1" });
    assert.equal(await f.store.ttl(revokedTokenKey(issued.claims.jti)), (500 + 30) * 1000);
    assert.deepEqual(f.events, [{ kind: "token", id: issued.claims.jti, revokedAt: f.clock.now() }]);
    assert.deepEqual(f.audit.events, [{ type: "token.revoked", tokenType: "access_token", jti: issued.claims.jti, cause: "request", clientId: "client-1" }]);
  });

  it("revokes a grant in the database and in the index for the longest access-token lifetime", async () => {
    const now = f.clock.now();
    await f.storage.grants.create(
      { id: "g-1", clientId: "client-1", subject: "alice", scopes: [], resources: [], claims: {}, createdAt: now, expiresAt: now + 86_400_000 },
      { id: "rt-1", grantId: "g-1", clientId: "client-1", digest: secretDigest("rt"), status: "active", createdAt: now, expiresAt: now + 3_600_000 },
    );
    await f.revocation.revokeGrant("g-1", { cause: "refresh_token_reuse" });
    assert.equal((await f.storage.grants.findGrant("g-1"))?.revokedAt, now);
    assert.equal((await f.storage.grants.findRefreshTokenById("rt-1"))?.status, "revoked");
    assert.equal(await f.store.ttl(revokedGrantKey("g-1")), (MAX_ACCESS_TOKEN_TTL + 30) * 1000);
    assert.deepEqual(f.events, [{ kind: "grant", id: "g-1", revokedAt: now }]);
    await f.revocation.revokeGrant("g-1", { cause: "refresh_token_reuse" });
    assert.equal(f.events.length, 2, "idempotent: revoking again is harmless");
  });

  it("revokes the grants derived from a grant (RFC 8693 exchanges): storage, index and events", async () => {
    const now = f.clock.now();
    const grant = (id: string, parentId?: string) => ({ id, clientId: "client-1", subject: "alice", scopes: [], resources: [], claims: {}, createdAt: now, expiresAt: now + 86_400_000, ...(parentId && { parentId }) });
    const token = (grantId: string) => ({ id: `rt-${grantId}`, grantId, clientId: "client-1", digest: secretDigest(grantId), status: "active" as const, createdAt: now, expiresAt: now + 3_600_000 });
    for (const [id, parent] of [["p", undefined], ["c", "p"], ["gc", "c"]] as const) await f.storage.grants.create(grant(id, parent), token(id));
    const exchanged = await f.minter.mint(mintRequest({ grantId: "gc" }));
    await f.revocation.revokeGrant("p", { cause: "code_reuse" });
    for (const id of ["c", "gc"]) assert.equal(await f.store.ttl(revokedGrantKey(id)), (MAX_ACCESS_TOKEN_TTL + 30) * 1000, id);
    assert.deepEqual(f.events.map((e) => e.id), ["p", "c", "gc"]);
    const audited = f.audit.events.map((e) => e.type === "token.revoked" && [e.grantId, e.cause]);
    assert.deepEqual(audited, [["p", "code_reuse"], ["c", "parent_grant"], ["gc", "parent_grant"]], "every revoked grant is audited, derived ones with their cause");
    assert.equal(await f.validator.validateAccessToken(exchanged.token), undefined, "an access token of a derived grant is inactive");
    assert.equal(await f.validator.validateRefreshToken("gc"), undefined);
  });
});
