import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientSecretPostClientAuth } from "../../../plugins/client-auth/client-secret-post/client-secret-post.client-auth.js";
import { basic, endpointRequest, expectOAuthError } from "../../core/clients/auth-fixtures.js";
import { StubContext } from "./stub-context.js";

const plugin = new ClientSecretPostClientAuth();

describe("client_secret_post (RFC 6749 §2.3.1)", () => {
  it("detects a body client_secret, and only that", () => {
    assert.equal(plugin.detect(endpointRequest({ client_id: "a", client_secret: "b" })), true);
    assert.equal(plugin.detect(endpointRequest({ client_secret: "b" })), true);
    assert.equal(plugin.detect(endpointRequest({ client_id: "a" })), false);
    assert.equal(plugin.detect(endpointRequest({ client_id: "a", client_secret: "" })), false);
    assert.equal(plugin.detect(endpointRequest({}, { authorization: basic("a", "b") })), false);
  });

  it("authenticates client_id + client_secret from the body", async () => {
    const result = await plugin.authenticate(endpointRequest({ client_id: "a", client_secret: "b" }), new StubContext(["a"], { a: "b" }));
    assert.deepEqual([result.client.clientId, result.method], ["a", "client_secret_post"]);
  });

  it("a missing client_id, a wrong secret or an unknown client is invalid_client", async () => {
    const ctx = new StubContext(["a"], { a: "b" });
    await expectOAuthError(plugin.authenticate(endpointRequest({ client_secret: "b" }), ctx), "invalid_client", 401);
    await expectOAuthError(plugin.authenticate(endpointRequest({ client_id: "a", client_secret: "x" }), ctx), "invalid_client", 401);
    await expectOAuthError(plugin.authenticate(endpointRequest({ client_id: "z", client_secret: "b" }), ctx), "invalid_client", 401);
  });
});
