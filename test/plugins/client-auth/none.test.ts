import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NoneClientAuth } from "../../../plugins/client-auth/none/none.client-auth.js";
import { basic, endpointRequest, expectOAuthError, JWT_BEARER } from "../../core/clients/auth-fixtures.js";
import { StubContext } from "./stub-context.js";

const plugin = new NoneClientAuth();

describe("none (public clients, RFC 6749 §2.1)", () => {
  it("detects a body client_id with no credentials of any kind", () => {
    assert.equal(plugin.detect(endpointRequest({ client_id: "spa" })), true);
    assert.equal(plugin.detect(endpointRequest({})), false);
    assert.equal(plugin.detect(endpointRequest({ client_id: "spa", client_secret: "x" })), false);
    assert.equal(plugin.detect(endpointRequest({ client_id: "spa", client_assertion: "x" })), false);
    assert.equal(plugin.detect(endpointRequest({ client_id: "spa", client_assertion_type: JWT_BEARER })), false);
    assert.equal(plugin.detect(endpointRequest({ client_id: "spa" }, { authorization: basic("spa", "x") })), false);
    assert.equal(plugin.detect(endpointRequest({ client_id: "spa" }, { authorization: "Bearer x" })), false);
    assert.equal(plugin.detect(endpointRequest({ client_id: "spa" }, { "oauth-client-attestation": "x.y.z" })), false, "a client attestation is a credential");
    assert.equal(plugin.detect(endpointRequest({ client_id: "spa" }, { "oauth-client-attestation-pop": "x.y.z" })), false);
  });

  it("identifies a known client; an unknown one is invalid_client", async () => {
    const ctx = new StubContext(["spa"]);
    const result = await plugin.authenticate(endpointRequest({ client_id: "spa" }), ctx);
    assert.deepEqual([result.client.clientId, result.method], ["spa", "none"]);
    await expectOAuthError(plugin.authenticate(endpointRequest({ client_id: "ghost" }), ctx), "invalid_client", 401);
  });
});
