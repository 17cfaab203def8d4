import assert from "node:assert/strict";
import { test } from "node:test";
import plugin from "../../../plugins/grants/client-credentials/index.js";
import { ClientCredentialsGrant } from "../../../plugins/grants/client-credentials/client-credentials.grant.js";
import { grantRequest, recordingGrantContext } from "../../../src/plugin-sdk/testing/index.js";

test("client_credentials declares its contract (RFC 6749 §4.4)", () => {
  const grant = new ClientCredentialsGrant();
  assert.equal(grant.grantType, "client_credentials");
  assert.deepEqual([...grant.parameters], ["scope", "resource"]);
  assert.deepEqual([...grant.repeatable], ["resource"]);
  assert.equal(grant.clientAuthentication, "required");
  assert.equal(plugin.id, "grants.client-credentials");
});

test("client_credentials grants what the policy resolves and never a refresh token", async () => {
  const ctx = recordingGrantContext();
  const decision = await new ClientCredentialsGrant().handle(grantRequest("client_credentials", { scope: "api:read", resource: ["https://a.test/", "https://b.test/"] }), ctx);
  assert.deepEqual(decision.access, { scopes: ["api:read"], resources: ["https://a.test/", "https://b.test/"] });
  assert.equal(decision.issueRefreshToken, undefined);
  assert.equal(decision.subject, undefined, "core uses the client id as subject");
  assert.equal(ctx.accessCalls.length, 1);
});
