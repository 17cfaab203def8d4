import assert from "node:assert/strict";
import { test } from "node:test";
import { DEVICE_CODE_GRANT, DeviceCodeGrant } from "../../../../plugins/grants/device-code/device-code.grant.js";
import { deviceKey, DeviceRequests } from "../../../../plugins/grants/device-code/device-requests.js";
import { OAuthErrors, type AuthenticatedUser, type BrowserSignIn } from "../../../../src/plugin-sdk/index.js";
import { grantRequest, recordingGrantContext, testClient } from "../../../../src/plugin-sdk/testing/index.js";

const alice: AuthenticatedUser = { subject: "alice", authTime: 100, amr: ["pwd"], sessionId: "sid-1" };
const tv = { client: testClient({}, "tv"), method: "none" } as const;

/** A grant over a recording context, with a BrowserSignIn whose standing check passes unless `revoked` says otherwise. */
function harness(options: Record<string, unknown> = {}) {
  const ctx = recordingGrantContext({ now: 1_000_000 });
  const standing: { revoked?: "user" | "consent" } = {};
  const checked: unknown[][] = [];
  const signIn = {
    async assertStillAuthorized(...args: unknown[]) {
      checked.push(args);
      if (standing.revoked === "user") throw OAuthErrors.invalidGrant("the end-user who approved the request is no longer active");
      if (standing.revoked === "consent") throw OAuthErrors.accessDenied("the end-user's consent was revoked");
    },
  } as unknown as BrowserSignIn;
  const clock = { now: () => ctx.now() };
  const grant = new DeviceCodeGrant(signIn, ctx.singleUse, clock, options);
  const requests = new DeviceRequests(ctx.singleUse, clock, 600);
  const poll = (deviceCode: string, client: typeof tv | { client: ReturnType<typeof testClient>; method: "none" } = tv) =>
    grant.handle(grantRequest(DEVICE_CODE_GRANT, { device_code: deviceCode }, client), ctx);
  const issue = async (scopes = ["openid"]) => {
    const { deviceCode } = await requests.create({ clientId: "tv", scopes, resources: [] });
    return { deviceCode, key: deviceKey(deviceCode) };
  };
  const decide = async (key: string, decision: "approved" | "denied") => {
    const device = (await requests.find(key))!;
    await requests.settle(key, device, decision === "approved" ? { status: "approved", authentication: ctx.authenticationSeal.seal(alice) } : { status: "denied" });
  };
  return { ctx, grant, poll, issue, decide, standing, checked };
}

test("device_code is required (RFC 8628 §3.4)", async () => {
  const h = harness();
  await assert.rejects(h.grant.handle(grantRequest(DEVICE_CODE_GRANT, {}, tv), h.ctx), { error: "invalid_request" });
});

test("a malformed device code, or one issued to another client, is invalid_grant", async () => {
  const h = harness();
  const { deviceCode } = await h.issue();
  await assert.rejects(h.poll("nope"), { error: "invalid_grant" });
  await assert.rejects(h.poll(deviceCode, { client: testClient({}, "other"), method: "none" }), { error: "invalid_grant" });
});

test("a device code whose request is gone (long expired, or the store lost it) is expired_token: start again", async () => {
  const h = harness();
  const { deviceCode } = await h.issue();
  h.ctx.advance(1_200_000);
  await assert.rejects(h.poll(deviceCode), { error: "expired_token" });
  await assert.rejects(h.poll("A".repeat(43)), { error: "expired_token" });
});

test("pending: authorization_pending at the interval, slow_down faster, and the interval then grows by 5 s (RFC 8628 §3.5)", async () => {
  const h = harness();
  const { deviceCode } = await h.issue();
  await assert.rejects(h.poll(deviceCode), { error: "authorization_pending" });
  h.ctx.advance(1_000);
  await assert.rejects(h.poll(deviceCode), { error: "slow_down" });
  h.ctx.advance(9_999);
  await assert.rejects(h.poll(deviceCode), { error: "slow_down" });
  h.ctx.advance(15_000);
  await assert.rejects(h.poll(deviceCode), { error: "authorization_pending" });
});

test("a denied request answers access_denied to every poll until it expires", async () => {
  const h = harness();
  const { deviceCode, key } = await h.issue();
  await h.decide(key, "denied");
  await assert.rejects(h.poll(deviceCode), { error: "access_denied" });
  await assert.rejects(h.poll(deviceCode), { error: "access_denied" });
});

test("after expires_in every poll is expired_token, even once approved", async () => {
  const h = harness();
  const { deviceCode, key } = await h.issue();
  await h.decide(key, "approved");
  h.ctx.advance(600_000);
  await assert.rejects(h.poll(deviceCode), { error: "expired_token" });
});

test("an approved request gives the vouched authentication once; a refresh token only with offline_access", async () => {
  const h = harness();
  const { deviceCode, key } = await h.issue(["openid", "offline_access"]);
  await h.decide(key, "approved");
  const decision = await h.poll(deviceCode);
  assert.deepEqual(decision.authentication, alice);
  assert.equal(decision.subject, "alice");
  assert.deepEqual(decision.access, { scopes: ["openid", "offline_access"], resources: [] });
  assert.equal(decision.issueRefreshToken, true);
  assert.deepEqual(h.ctx.accessCalls[0]!.options, { maxScopes: ["openid", "offline_access"], maxResources: [] });
  assert.deepEqual(h.checked, [[alice, "tv", ["openid", "offline_access"]]]);
  await assert.rejects(h.poll(deviceCode), { error: "invalid_grant" });

  const other = await h.issue(["openid"]);
  await h.decide(other.key, "approved");
  assert.equal((await h.poll(other.deviceCode)).issueRefreshToken, false);
});

test("of concurrent polls of an approved request exactly one gets the decision, the rest invalid_grant", async () => {
  const h = harness();
  const { deviceCode, key } = await h.issue();
  await h.decide(key, "approved");
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => h.poll(deviceCode)));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  for (const r of results) if (r.status === "rejected") assert.equal((r.reason as { error: string }).error, "invalid_grant");
});

test("an approval that no longer stands gives no tokens, and the device code is spent (corpus L74)", async () => {
  for (const [revoked, error] of [["user", "invalid_grant"], ["consent", "access_denied"]] as const) {
    const h = harness();
    const { deviceCode, key } = await h.issue();
    await h.decide(key, "approved");
    h.standing.revoked = revoked;
    await assert.rejects(h.poll(deviceCode), { error });
    await assert.rejects(h.poll(deviceCode), { error: "invalid_grant" });
  }
});
