import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientSecretBasicClientAuth } from "../../../plugins/client-auth/client-secret-basic/client-secret-basic.client-auth.js";
import { basic, endpointRequest, expectOAuthError } from "../../core/clients/auth-fixtures.js";
import { StubContext } from "./stub-context.js";

const plugin = new ClientSecretBasicClientAuth();
const withHeader = (authorization: string) => endpointRequest({}, { authorization });
const rawBasic = (bytes: Buffer | string) => `Basic ${Buffer.from(bytes).toString("base64")}`;

describe("client_secret_basic (RFC 6749 §2.3.1, corpus 24)", () => {
  it("detects any Basic Authorization header, case-insensitively, and nothing else", () => {
    assert.equal(plugin.detect(withHeader(basic("a", "b"))), true);
    assert.equal(plugin.detect(withHeader("basic YTpi")), true);
    assert.equal(plugin.detect(withHeader("BASIC")), true);
    assert.equal(plugin.detect(withHeader("Bearer abc")), false);
    assert.equal(plugin.detect(withHeader("Basically")), false);
    assert.equal(plugin.detect(endpointRequest({ client_id: "a", client_secret: "b" })), false);
  });

  it("decodes id and secret as application/x-www-form-urlencoded: '+' is a space, %XX is percent-decoded, a colon may be in the secret", async () => {
    const ctx = new StubContext(["my client:1", "ü"], { "my client:1": "p+s w:rd", ü: "ß" });
    const encoded = withHeader(rawBasic("my+client%3A1:p%2Bs+w:rd"));
    assert.equal(plugin.claimedClientId(encoded), "my client:1");
    const result = await plugin.authenticate(encoded, ctx);
    assert.deepEqual([result.client.clientId, result.method], ["my client:1", "client_secret_basic"]);
    assert.equal((await plugin.authenticate(withHeader(rawBasic("%C3%BC:%C3%9F")), ctx)).client.clientId, "ü");
  });

  it("malformed headers are 401 invalid_client, never a crash: bad base64, no colon, empty id, bad percent-encoding, invalid UTF-8", async () => {
    const ctx = new StubContext(["a"], { a: "b" });
    for (const authorization of [
      "Basic",
      "Basic !!!",
      "Basic YTpi=",
      "Basic YTpi YTpi",
      rawBasic("no-colon"),
      rawBasic(":secret"),
      rawBasic("a:%zz"),
      rawBasic("%E0%A4%A:b"),
      rawBasic(Buffer.from([0x61, 0x3a, 0xff, 0xfe])),
    ]) {
      assert.equal(plugin.detect(withHeader(authorization)), true, authorization);
      assert.equal(plugin.claimedClientId(withHeader(authorization)), undefined, authorization);
      await expectOAuthError(plugin.authenticate(withHeader(authorization), ctx), "invalid_client", 401);
    }
  });

  it("a wrong secret and an unknown client both give invalid_client", async () => {
    const ctx = new StubContext(["a"], { a: "b" });
    await expectOAuthError(plugin.authenticate(withHeader(basic("a", "c")), ctx), "invalid_client", 401);
    await expectOAuthError(plugin.authenticate(withHeader(basic("z", "b")), ctx), "invalid_client", 401);
  });
});
