import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Metadata, status } from "@grpc/grpc-js";
import { TokenService } from "../../../gen/portcullis/token/v1/token_pb.js";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { ClientRegistryService } from "../../../gen/portcullis/client/v1/client_pb.js";
import { grpcError, startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

/** Caller authentication of the internal listener (DESIGN "Listeners", RFC 6750 §2.1). */
describe("internal listener caller authentication", () => {
  let h: RpcHarness;
  before(async () => (h = await startRpcHarness()));
  after(() => h.close());

  const validate = (token: string | undefined) => unary(h.grpc, TokenValidationService.method.validateToken, { token: "x" }, token);

  it("answers UNAUTHENTICATED without a bearer token", async () => {
    assert.equal((await grpcError(validate(undefined))).code, status.UNAUTHENTICATED);
    assert.equal((await grpcError(unary(h.grpc, TokenService.method.mint, { clientId: h.callerId }))).code, status.UNAUTHENTICATED);
  });

  it("answers UNAUTHENTICATED for garbage, another scheme, a revoked or an expired token", async () => {
    assert.equal((await grpcError(validate("not-a-token"))).code, status.UNAUTHENTICATED);
    const basicAuth = new Metadata();
    basicAuth.set("authorization", "Basic dXNlcjpwYXNz");
    const basic = await grpcError(unary(h.grpc, TokenValidationService.method.validateToken, { token: "x" }, basicAuth));
    assert.equal(basic.code, status.UNAUTHENTICATED);

    const revoked = await h.callerToken("portcullis:validate", "portcullis:tokens");
    await unary(h.grpc, TokenService.method.revoke, { token: revoked }, revoked);
    assert.equal((await grpcError(validate(revoked))).code, status.UNAUTHENTICATED);

    const expiring = await h.mint(h.callerId, { scopes: ["portcullis:validate"], ttl: 60 });
    h.clock.advance(61);
    try {
      assert.equal((await grpcError(validate(expiring))).code, status.UNAUTHENTICATED);
    } finally {
      h.clock.advance(-61);
    }
  });

  it("answers UNAUTHENTICATED for a token meant for another audience or bound to a key it cannot prove", async () => {
    const elsewhere = await h.mint(h.callerId, { scopes: ["portcullis:validate"], audiences: ["https://api.example.com"] });
    assert.equal((await grpcError(validate(elsewhere))).code, status.UNAUTHENTICATED);
    const dpopBound = await h.mint(h.callerId, { scopes: ["portcullis:validate"], confirmation: { jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" } });
    assert.equal((await grpcError(validate(dpopBound))).code, status.UNAUTHENTICATED);
  });

  it("answers PERMISSION_DENIED when the token lacks the method's scope", async () => {
    const validateOnly = await h.callerToken("portcullis:validate");
    assert.equal((await validate(validateOnly)).active, false);
    for (const call of [
      unary(h.grpc, TokenService.method.mint, { clientId: h.callerId }, validateOnly),
      unary(h.grpc, TokenService.method.introspect, { token: "x" }, validateOnly),
      unary(h.grpc, ClientRegistryService.method.getClient, { clientId: h.callerId }, validateOnly),
    ]) {
      assert.equal((await grpcError(call)).code, status.PERMISSION_DENIED);
    }
    const readOnly = await h.callerToken("portcullis:clients:read");
    assert.equal((await unary(h.grpc, ClientRegistryService.method.getClient, { clientId: h.callerId }, readOnly)).client?.clientId, h.callerId);
    const denied = await grpcError(unary(h.grpc, ClientRegistryService.method.deleteClient, { clientId: h.callerId }, readOnly));
    assert.equal(denied.code, status.PERMISSION_DENIED);
    assert.match(decodeURIComponent(denied.details), /portcullis:clients:write/);
  });

  it("never logs a caller token", async () => {
    const token = await h.callerToken("portcullis:mint");
    await grpcError(validate(token));
    await grpcError(unary(h.grpc, TokenService.method.mint, { clientId: "no-such-client" }, token));
    assert.ok(!h.test.logText().includes(token));
  });
});
