import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DI } from "../../../src/core/di-tokens.js";
import { SessionManager } from "../../../src/core/sessions/session-manager.js";
import { RefreshTokenService } from "../../../src/core/tokens/refresh-token.service.js";
import { UserAccessService } from "../../../src/core/users/user-access.service.js";
import { UserService } from "../../../src/core/users/user.service.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

/** Disabling a user (operator CLI): no sign-in, no live session, no live grant; enabling restores sign-in only. */
describe("UserAccessService", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it("disable ends the user's sessions and revokes all their grants, on every client; enable lets them sign in again", async () => {
    const resolve = t.app.container.resolve.bind(t.app.container);
    const user = await resolve(UserService).create({ username: "frank", password: "frank-password-1" });
    const other = await resolve(UserService).create({ username: "gina", password: "gina-password-1" });
    const durable = resolve(DI.Durable);
    const rp = (await durable.clients.find((await t.createClient({ grant_types: ["client_credentials", "refresh_token"] })).client_id))!;
    const refresh = resolve(RefreshTokenService);
    const grants = [await refresh.issue({ client: rp, subject: user.id, scopes: [], resources: [] }), await refresh.issue({ client: rp, subject: user.id, scopes: [], resources: [] })];
    const kept = await refresh.issue({ client: rp, subject: other.id, scopes: [], resources: [] });
    const sessions = resolve(SessionManager);
    const session = (await sessions.start({ userId: user.id, authTime: 0, amr: ["pwd"] })).session;

    assert.deepEqual(await resolve(UserAccessService).disable("frank"), { username: "frank", disabled: true, sessionsEnded: 1, grantsRevoked: 2 });
    assert.equal((await durable.users.findById(user.id))?.disabled, true);
    assert.equal(await sessions.get(session.id), undefined);
    const validator = resolve(DI.TokenValidator);
    for (const grant of grants) assert.equal(await validator.validateRefreshToken(grant.refreshToken), undefined);
    assert.ok(await validator.validateRefreshToken(kept.refreshToken), "another user's grant stays");

    assert.deepEqual(await resolve(UserAccessService).enable("frank"), { username: "frank", disabled: false });
    assert.equal((await durable.users.findById(user.id))?.disabled, false);
    assert.equal(await validator.validateRefreshToken(grants[0]!.refreshToken), undefined, "revoked grants stay revoked");
  });

  it("an unknown username is a RangeError naming it", async () => {
    await assert.rejects(t.app.container.resolve(UserAccessService).disable("nobody"), { name: "RangeError", message: 'unknown user "nobody"' });
    await assert.rejects(t.app.container.resolve(UserAccessService).enable("nobody"), { name: "RangeError" });
  });
});
