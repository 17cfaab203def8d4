import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";
import { FakeClock } from "../support/fake-clock.js";

/** Security corpus group E (refresh tokens) and S103, driven through the fixture grant that starts refreshable grants. */
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));

describe("refresh tokens (corpus E 32–35, S103)", () => {
  let t: TestApp;
  const clock = new FakeClock();
  let publicClient: { client_id: string };
  let confidential: { client_id: string; client_secret?: string };
  let introspector: { client_id: string; client_secret?: string };

  before(async () => {
    t = await startTestApp({ plugins: plugin, refreshTokenTtl: "3600" }, { clock });
    await t.createResource("https://api.example.test/", "api:read api:write");
    publicClient = await t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
    confidential = await t.createClient({ grant_types: [GRANT, "refresh_token"] });
    introspector = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
  });
  after(() => t.stop());

  const start = async (clientId = publicClient.client_id, scope = "api:read api:write", headers: Record<string, string> = {}) => {
    const res = await t.postForm("/token", { grant_type: GRANT, client_id: clientId, subject: "alice", scope }, headers);
    assert.equal(res.status, 200);
    return (await res.json()) as { access_token: string; refresh_token: string };
  };
  const refresh = (token: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    t.postForm("/token", { grant_type: "refresh_token", refresh_token: token, client_id: publicClient.client_id, ...extra }, headers);
  const active = async (token: string) => {
    const res = await t.postForm("/introspect", { token }, basic(introspector.client_id, introspector.client_secret!));
    return ((await res.json()) as { active: boolean }).active;
  };
  const expectError = async (res: Response, status: number, error: string) => {
    assert.equal(res.status, status);
    assert.equal(((await res.json()) as { error: string }).error, error);
  };

  test("rotation: each refresh returns a new refresh token and a narrowed scope when asked", async () => {
    const first = await start();
    const res = await refresh(first.refresh_token, { scope: "api:read" });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { refresh_token: string; scope: string };
    assert.notEqual(body.refresh_token, first.refresh_token);
    assert.equal(body.scope, "api:read");
  });

  test("E32: another client's refresh token → invalid_grant", async () => {
    const other = await t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
    const first = await start();
    await expectError(await t.postForm("/token", { grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: other.client_id }), 400, "invalid_grant");
  });

  test("E32: a wider scope than the grant → invalid_scope", async () => {
    const first = await start(publicClient.client_id, "api:read");
    await expectError(await refresh(first.refresh_token, { scope: "api:read api:write" }), 400, "invalid_scope");
  });

  test("E32: an expired refresh token → invalid_grant", async () => {
    const first = await start();
    clock.advance(3601_000);
    await expectError(await refresh(first.refresh_token), 400, "invalid_grant");
  });

  test("E32: a revoked refresh token → invalid_grant", async () => {
    const first = await start();
    const revoked = await t.postForm("/revoke", { token: first.refresh_token, client_id: publicClient.client_id });
    assert.equal(revoked.status, 200);
    await expectError(await refresh(first.refresh_token), 400, "invalid_grant");
  });

  test("E33: a confidential client omitting authentication → 401 invalid_client", async () => {
    const first = await start(confidential.client_id, "api:read", basic(confidential.client_id, confidential.client_secret!));
    const res = await t.postForm("/token", { grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: confidential.client_id });
    await expectError(res, 401, "invalid_client");
  });

  test("E34: reuse after the successor was used revokes the whole grant", async () => {
    const first = await start();
    const second = (await (await refresh(first.refresh_token)).json()) as { access_token: string; refresh_token: string };
    const third = (await (await refresh(second.refresh_token)).json()) as { access_token: string; refresh_token: string };
    assert.ok(await active(third.access_token));
    await expectError(await refresh(first.refresh_token), 400, "invalid_grant");
    assert.equal(await active(third.refresh_token), false, "newest refresh token revoked");
    assert.equal(await active(third.access_token), false, "access tokens of the grant revoked");
    await expectError(await refresh(third.refresh_token), 400, "invalid_grant");
  });

  test("E35: a retry of the previous token 30 s later returns the same successor; no revocation", async () => {
    const first = await start();
    const lost = (await (await refresh(first.refresh_token)).json()) as { refresh_token: string };
    clock.advance(30_000);
    const retry = await refresh(first.refresh_token);
    assert.equal(retry.status, 200);
    const retried = (await retry.json()) as { access_token: string; refresh_token: string };
    assert.equal(retried.refresh_token, lost.refresh_token);
    assert.ok(await active(retried.access_token));
    assert.equal((await refresh(retried.refresh_token)).status, 200, "the client goes on normally");
  });

  test("after the grace window, a rotated token is reuse", async () => {
    const first = await start();
    const second = (await (await refresh(first.refresh_token)).json()) as { refresh_token: string };
    clock.advance(61_000);
    await expectError(await refresh(first.refresh_token), 400, "invalid_grant");
    assert.equal(await active(second.refresh_token), false);
  });

  test("S103: 20 concurrent refreshes of one token: one rotation, the same successor for all, grant intact", async () => {
    const first = await start();
    const results = await Promise.all(Array.from({ length: 20 }, () => refresh(first.refresh_token)));
    const bodies = (await Promise.all(results.map((r) => r.json()))) as { refresh_token?: string; error?: string }[];
    const successors = new Set(bodies.filter((b) => b.refresh_token).map((b) => b.refresh_token));
    assert.equal(successors.size, 1, "one rotation only");
    assert.ok(bodies.every((b) => b.refresh_token || b.error === "invalid_grant"));
    const [successor] = [...successors];
    assert.equal((await refresh(successor!)).status, 200, "the real client is not logged out");
  });
});
