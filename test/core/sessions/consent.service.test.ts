import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { ConsentService } from "../../../src/core/sessions/consent.service.js";
import { RefreshTokenService } from "../../../src/core/tokens/refresh-token.service.js";
import { recordingAudit } from "../../support/recording-audit.js";
import { counterRandom } from "../keys/key-fixtures.js";
import { client, mintRequest, tokenFixture, type TokenFixture } from "../tokens/token-fixtures.js";

describe("ConsentService", () => {
  let f: TokenFixture;
  let consents: ConsentService;
  beforeEach(async () => {
    f = await tokenFixture();
    consents = new ConsentService(f.storage, f.clock, recordingAudit());
  });
  afterEach(() => f.close());

  it("covers only scopes inside the stored consent; nothing without one", async () => {
    assert.equal(await consents.covers("alice", "client-1", ["openid"]), false);
    assert.equal(await consents.covers("alice", "client-1", []), false);
    await consents.remember("alice", "client-1", ["openid", "profile"]);
    assert.equal(await consents.covers("alice", "client-1", ["openid"]), true);
    assert.equal(await consents.covers("alice", "client-1", ["profile", "openid"]), true);
    assert.equal(await consents.covers("alice", "client-1", ["openid", "email"]), false);
    assert.equal(await consents.covers("alice", "client-2", ["openid"]), false);
    assert.equal(await consents.covers("bob", "client-1", ["openid"]), false);
  });

  it("remember widens the stored set to the union and records when", async () => {
    const first = f.clock.now();
    assert.deepEqual(await consents.remember("alice", "client-1", ["openid", "profile"]), { userId: "alice", clientId: "client-1", scopes: ["openid", "profile"], grantedAt: first });
    f.clock.advance(1000);
    await consents.remember("alice", "client-1", ["email", "openid", "email"]);
    assert.deepEqual(await consents.list("alice"), [{ userId: "alice", clientId: "client-1", scopes: ["openid", "profile", "email"], grantedAt: first + 1000 }]);
    assert.equal(await consents.covers("alice", "client-1", ["openid", "profile", "email"]), true);
  });

  it("list returns the user's consents by client id", async () => {
    await consents.remember("alice", "client-b", ["openid"]);
    await consents.remember("alice", "client-a", ["openid", "email"]);
    await consents.remember("bob", "client-a", ["openid"]);
    assert.deepEqual(
      (await consents.list("alice")).map((c) => [c.clientId, c.scopes]),
      [
        ["client-a", ["openid", "email"]],
        ["client-b", ["openid"]],
      ],
    );
    assert.deepEqual(await consents.list("carol"), []);
  });

  it("revoke deletes the consent and revokes the user's grants for the client: refresh and access tokens die", async () => {
    const refresh = new RefreshTokenService(f.storage, f.revocation, f.clock, counterRandom("grants"), f.config);
    const mine = await refresh.issue({ client, subject: "alice", scopes: ["openid", "offline_access"], resources: [] });
    const othersGrant = await refresh.issue({ client, subject: "bob", scopes: ["openid", "offline_access"], resources: [] });
    const access = await f.minter.mint(mintRequest({ subject: "alice", grantId: mine.grantId }));
    await consents.remember("alice", "client-1", ["openid", "offline_access"]);
    await consents.remember("alice", "client-2", ["openid"]);
    assert.ok(await f.validator.validateRefreshToken(mine.refreshToken));
    assert.ok(await f.validator.validateAccessToken(access.token));

    assert.deepEqual(await consents.revoke("alice", "client-1"), { consentRemoved: true, grantsRevoked: 1 });
    assert.equal(await consents.covers("alice", "client-1", ["openid"]), false);
    assert.deepEqual((await consents.list("alice")).map((c) => c.clientId), ["client-2"]);
    assert.equal(await f.validator.validateRefreshToken(mine.refreshToken), undefined);
    assert.equal(await f.validator.validateAccessToken(access.token), undefined);
    await assert.rejects(refresh.rotate(mine.refreshToken, { client, method: "none" }), { error: "invalid_grant" });
    assert.deepEqual(f.events, [{ kind: "grant", id: mine.grantId, revokedAt: f.clock.now() }]);
    assert.ok(await f.validator.validateRefreshToken(othersGrant.refreshToken), "another user's grant for the client stays");

    assert.deepEqual(await consents.revoke("alice", "client-1"), { consentRemoved: false, grantsRevoked: 0 });
  });
});
