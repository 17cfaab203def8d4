import assert from "node:assert/strict";
import { after, before, describe, it, mock } from "node:test";
import { RETAINED_CHANGES } from "../../../src/core/changes/change-feed.js";
import { DI } from "../../../src/core/di-tokens.js";
import { HousekeepingService } from "../../../src/core/maintenance/housekeeping.service.js";
import { SessionManager } from "../../../src/core/sessions/session-manager.js";
import { RefreshTokenService } from "../../../src/core/tokens/refresh-token.service.js";
import { FakeClock } from "../../support/fake-clock.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

const DAY = 86_400_000;

/** Expired grants, refresh tokens and ended or expired sessions are deleted; live ones stay. */
describe("HousekeepingService", () => {
  let t: TestApp;
  const clock = new FakeClock();

  before(async () => {
    t = await startTestApp({ sessionTtl: String(2 * 86_400), refreshTokenTtl: String(86_400) }, { clock });
  });
  after(() => t.stop());

  it("sweeps what has expired or ended and keeps what is live", async () => {
    const durable = t.app.container.resolve(DI.Durable);
    const sessions = t.app.container.resolve(SessionManager);
    const refresh = t.app.container.resolve(RefreshTokenService);
    const { client_id } = await t.createClient({ grant_types: ["client_credentials", "refresh_token"] });
    const client = (await durable.clients.find(client_id))!;
    const housekeeping = t.app.container.resolve(HousekeepingService);
    await housekeeping.sweep();

    const oldGrant = await refresh.issue({ client, subject: "u1", scopes: [], resources: [] });
    const ended = (await sessions.start({ userId: "u1", authTime: 0, amr: ["pwd"] })).session;
    await sessions.end(ended.id);
    clock.advance(DAY + 1000);
    const liveGrant = await refresh.issue({ client, subject: "u2", scopes: [], resources: [] });
    const live = (await sessions.start({ userId: "u2", authTime: 0, amr: ["pwd"] })).session;

    const removed = await housekeeping.sweep();
    assert.equal(removed.sessions, 1);
    assert.ok(removed.grants >= 1);
    assert.equal(await durable.grants.findGrant(oldGrant.grantId), undefined);
    assert.ok(await durable.grants.findGrant(liveGrant.grantId));
    assert.equal(await durable.sessions.findById(ended.id), undefined);
    assert.ok(await sessions.get(live.id));

    clock.advance(2 * DAY + 1);
    assert.equal((await housekeeping.sweep()).sessions, 1, "the expired session goes too");
  });

  it("keeps the latest RETAINED_CHANGES entries of the change log", async () => {
    const durable = t.app.container.resolve(DI.Durable);
    const head = await durable.changes.head();
    const purge = mock.method(durable.changes, "purge");
    await t.app.container.resolve(HousekeepingService).sweep();
    assert.deepEqual(purge.mock.calls.map((call) => call.arguments), [[RETAINED_CHANGES]]);
    assert.deepEqual((await durable.changes.since(head - 1, 10)).map((change) => change.seq), [head], "the latest change stays");
    purge.mock.restore();
  });
});
