import "reflect-metadata";
import assert from "node:assert/strict";
import { test } from "node:test";
import plugin from "../../../plugins/grants/jwt-bearer/index.js";
import { JwtBearerGrant } from "../../../plugins/grants/jwt-bearer/jwt-bearer.grant.js";
import type { TrustedJwt } from "../../../src/plugin-sdk/capabilities.js";
import { grantRequest, recordingGrantContext } from "../../../src/plugin-sdk/testing/index.js";

const GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ISSUER = "https://as.example.test";
const grant = new JwtBearerGrant(ISSUER);
const verified = (jwt: Partial<TrustedJwt>) => ({ ok: true as const, jwt: { issuer: "https://idp.example", subject: "alice", expiresAt: 1, claims: {}, ...jwt } });

test("jwt-bearer declares its contract (RFC 7523 §2.1, RFC 7521 §4.1)", () => {
  assert.equal(grant.grantType, GRANT);
  assert.deepEqual([...grant.parameters], ["assertion", "scope", "resource"]);
  assert.deepEqual([...grant.repeatable], ["resource"]);
  assert.equal(grant.clientAuthentication, "required");
  assert.equal(plugin.id, "grants.jwt-bearer");
});

test("a missing assertion is invalid_request; nothing is verified", async () => {
  const ctx = recordingGrantContext();
  await assert.rejects(grant.handle(grantRequest(GRANT), ctx), { error: "invalid_request", description: "assertion is required" });
  assert.equal(ctx.verifiedJwts.length, 0);
});

test("asks core for a single-use jwt-bearer JWT for this client, addressed to the issuer or its token endpoint", async () => {
  const ctx = recordingGrantContext({ trustedJwts: { a1: verified({ user: { id: "u-1", username: "alice", disabled: false } }) } });
  const decision = await grant.handle(grantRequest(GRANT, { assertion: "a1", scope: "api:read" }), ctx);
  assert.deepEqual(ctx.verifiedJwts, [{ jwt: "a1", expectation: { use: "jwt-bearer", clientId: "test-client", audiences: [ISSUER, `${ISSUER}/token`], singleUse: true } }]);
  assert.deepEqual(decision, { subject: "u-1", access: { scopes: ["api:read"], resources: [] }, issueRefreshToken: false }, "no refresh token, no authentication (so no ID token)");
});

test("a pass-through subject is the assertion's sub", async () => {
  const ctx = recordingGrantContext({ trustedJwts: { a2: verified({ subject: "ext-42" }) } });
  assert.equal((await grant.handle(grantRequest(GRANT, { assertion: "a2" }), ctx)).subject, "ext-42");
});

test("every refusal is invalid_grant naming the rule", async () => {
  const ctx = recordingGrantContext({ trustedJwts: { old: { ok: false, reason: "expired", description: "exp is in the past" } } });
  await assert.rejects(grant.handle(grantRequest(GRANT, { assertion: "old" }), ctx), { error: "invalid_grant", description: "assertion rejected: exp is in the past" });
  await assert.rejects(grant.handle(grantRequest(GRANT, { assertion: "unknown" }), ctx), { error: "invalid_grant", description: "assertion rejected: iss is not a trusted issuer" });
});

test("the scope policy runs before the assertion, so a refused scope does not burn its jti", async () => {
  const ctx = recordingGrantContext({ trustedJwts: { a3: verified({}) } });
  const request = grantRequest(GRANT, { assertion: "a3", scope: "admin" });
  await assert.rejects(grant.handle(request, { ...ctx, resolveAccess: (r) => ctx.resolveAccess(r, { maxScopes: ["api:read"] }) }), { error: "invalid_scope" });
  assert.equal(ctx.verifiedJwts.length, 0);
});
