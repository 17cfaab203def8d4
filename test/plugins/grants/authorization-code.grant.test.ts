import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthorizationCodeGrant } from "../../../plugins/grants/authorization-code/authorization-code.grant.js";
import type { RedeemedCode } from "../../../src/plugin-sdk/index.js";
import { grantRequest, recordingGrantContext } from "../../../src/plugin-sdk/testing/index.js";

const code: RedeemedCode = { subject: "alice", scopes: ["openid", "api:read"], resources: ["https://a.test/", "https://b.test/"], claims: { acr: "1" }, handle: "h1" };
const offline: RedeemedCode = { ...code, scopes: ["openid", "offline_access"], handle: "h2" };
const grant = new AuthorizationCodeGrant();

test("authorization_code: a missing code is invalid_request; an empty or unknown one invalid_grant (RFC 6749 §4.1.3)", async () => {
  const ctx = recordingGrantContext({ codes: { c1: code } });
  await assert.rejects(grant.handle(grantRequest("authorization_code"), ctx), { error: "invalid_request" });
  await assert.rejects(grant.handle(grantRequest("authorization_code", { code: "" }), ctx), { error: "invalid_grant" });
  await assert.rejects(grant.handle(grantRequest("authorization_code", { code: "nope" }), ctx), { error: "invalid_grant" });
  assert.deepEqual(ctx.redeemed, ["", "nope"]);
});

test("authorization_code: the decision carries the code's subject, claims and handle, bounded by its scopes and resources", async () => {
  const ctx = recordingGrantContext({ codes: { c1: code } });
  const decision = await grant.handle(grantRequest("authorization_code", { code: "c1", redirect_uri: "https://app.test/cb" }), ctx);
  assert.deepEqual(ctx.accessCalls[0]!.options, { maxScopes: code.scopes, maxResources: code.resources });
  assert.deepEqual(decision.access, { scopes: code.scopes, resources: code.resources });
  assert.equal(decision.subject, "alice");
  assert.deepEqual(decision.claims, { acr: "1" });
  assert.equal(decision.redeemedCode, code);
  assert.equal(decision.issueRefreshToken, false);
});

test("authorization_code: resource narrows the audience; a resource outside the code is invalid_target (RFC 8707 §2.2)", async () => {
  const ctx = recordingGrantContext({ codes: { c1: code } });
  const narrowed = await grant.handle(grantRequest("authorization_code", { code: "c1", resource: "https://b.test/" }), ctx);
  assert.deepEqual(narrowed.access.resources, ["https://b.test/"]);
  await assert.rejects(grant.handle(grantRequest("authorization_code", { code: "c1", resource: "https://c.test/" }), ctx), { error: "invalid_target" });
});

test("authorization_code: a refresh token only with offline_access", async () => {
  const ctx = recordingGrantContext({ codes: { c2: offline } });
  assert.equal((await grant.handle(grantRequest("authorization_code", { code: "c2" }), ctx)).issueRefreshToken, true);
});
