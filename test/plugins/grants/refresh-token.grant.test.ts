import assert from "node:assert/strict";
import { test } from "node:test";
import { RefreshTokenGrant } from "../../../plugins/grants/refresh-token/refresh-token.grant.js";
import type { RefreshedGrant } from "../../../src/plugin-sdk/index.js";
import { grantRequest, recordingGrantContext } from "../../../src/plugin-sdk/testing/index.js";

const grant: RefreshedGrant = { grantId: "g1", subject: "alice", scopes: ["a", "b"], resources: ["https://api.test/"], refreshToken: "next", refreshTokenExpiresAt: 1, claims: {} };

test("refresh_token requires the token parameter", async () => {
  await assert.rejects(new RefreshTokenGrant().handle(grantRequest("refresh_token"), recordingGrantContext()), { error: "invalid_request" });
});

test("refresh_token rotates through core and bounds access by the original grant (RFC 6749 §6)", async () => {
  const ctx = recordingGrantContext({ refreshGrants: { old: grant } });
  const decision = await new RefreshTokenGrant().handle(grantRequest("refresh_token", { refresh_token: "old", scope: "a" }), ctx);
  assert.deepEqual(ctx.rotated, ["old"]);
  assert.deepEqual(ctx.accessCalls[0]!.options, { maxScopes: ["a", "b"], maxResources: ["https://api.test/"] });
  assert.deepEqual(decision.access, { scopes: ["a"], resources: ["https://api.test/"] });
  assert.equal(decision.refreshed, grant);
});

test("refresh_token: a wider scope is invalid_scope; an unknown token invalid_grant", async () => {
  const ctx = recordingGrantContext({ refreshGrants: { old: grant } });
  await assert.rejects(new RefreshTokenGrant().handle(grantRequest("refresh_token", { refresh_token: "old", scope: "a c" }), ctx), { error: "invalid_scope" });
  await assert.rejects(new RefreshTokenGrant().handle(grantRequest("refresh_token", { refresh_token: "nope" }), ctx), { error: "invalid_grant" });
});
