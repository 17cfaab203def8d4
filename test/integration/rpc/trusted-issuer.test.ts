import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { TrustedIssuerService, type TrustedIssuerSchema } from "../../../gen/portcullis/trust/v1/trust_pb.js";
import { testKey } from "../../support/jwt-bearer-fixtures.js";
import { grpcError, oauthErrorDetails, startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

const KEY = testKey("ES256");
const ISSUER = { issuer: "https://idp.example.org", uses: ["jwt-bearer"], allowedClients: ["app"], subjectMapping: "username", keys: { case: "jwks" as const, value: { keys: [KEY.publicJwk] } } };

/** TrustedIssuerService: the operator's trusted-issuer registry over a real gRPC client, gated by portcullis:issuers:read / :write. */
describe("TrustedIssuerService", () => {
  let h: RpcHarness;
  let writer: string;
  let reader: string;
  before(async () => {
    h = await startRpcHarness();
    writer = await h.callerToken("portcullis:issuers:read", "portcullis:issuers:write");
    reader = await h.callerToken("portcullis:issuers:read");
  });
  after(() => h.close());

  const m = TrustedIssuerService.method;

  it("puts, gets, lists, replaces and deletes an issuer", async () => {
    const put = (await unary(h.grpc, m.putTrustedIssuer, { trustedIssuer: ISSUER }, writer)).trustedIssuer!;
    assert.equal(put.issuer, ISSUER.issuer);
    assert.deepEqual(put.uses, ["jwt-bearer"]);
    assert.deepEqual(put.allowedClients, ["app"]);
    assert.equal(put.maxLifetime, 300, "0 means ASSERTION_MAX_LIFETIME");
    assert.equal(put.keys.case, "jwks");
    assert.deepEqual(put.keys.value, { keys: [KEY.publicJwk] });
    assert.ok(put.createdAt > 0n && put.createdAt === put.updatedAt);

    const read = (await unary(h.grpc, m.getTrustedIssuer, { issuer: ISSUER.issuer }, reader)).trustedIssuer!;
    assert.deepEqual(read, put);
    const replaced = { ...ISSUER, allowedClients: ["*"], subjectMapping: "pass-through", keys: { case: "jwksUri" as const, value: "https://idp.example.org/jwks" }, maxLifetime: 600 };
    const second = (await unary(h.grpc, m.putTrustedIssuer, { trustedIssuer: replaced }, writer)).trustedIssuer!;
    assert.deepEqual([second.keys.case, second.keys.value, second.maxLifetime, second.createdAt], ["jwksUri", "https://idp.example.org/jwks", 600, put.createdAt]);
    assert.deepEqual((await unary(h.grpc, m.listTrustedIssuers, {}, reader)).trustedIssuers.map((i) => i.issuer), [ISSUER.issuer]);

    await unary(h.grpc, m.deleteTrustedIssuer, { issuer: ISSUER.issuer }, writer);
    for (const call of [
      unary(h.grpc, m.getTrustedIssuer, { issuer: ISSUER.issuer }, reader),
      unary(h.grpc, m.deleteTrustedIssuer, { issuer: ISSUER.issuer }, writer),
      unary(h.grpc, m.getTrustedIssuer, { issuer: "" }, reader),
    ]) {
      assert.equal((await grpcError(call)).code, status.NOT_FOUND);
    }
  });

  it("bad input is INVALID_ARGUMENT with an invalid_request detail naming the field", async () => {
    const cases: [MessageInitShape<typeof TrustedIssuerSchema> | undefined, RegExp][] = [
      [{ ...ISSUER, uses: ["password"] }, /^uses: unknown use password/],
      // A 20 KB value quoted whole in grpc-message made the HTTP/2 trailer too large: the call was reset (INTERNAL; found by test/fuzz).
      [{ ...ISSUER, uses: ["x".repeat(20_000)] }, /^uses: unknown use x{400,}\.\.\.$/],
      [{ ...ISSUER, keys: { case: undefined } }, /^exactly one of jwks and jwks_uri is required$/],
      [{ ...ISSUER, keys: { case: "jwksUri", value: "http://idp.example.org/jwks" } }, /^jwks_uri must be an https URL$/],
      [undefined, /^iss must be/],
    ];
    for (const [trustedIssuer, description] of cases) {
      const error = await grpcError(unary(h.grpc, m.putTrustedIssuer, { trustedIssuer }, writer));
      assert.equal(error.code, status.INVALID_ARGUMENT);
      const [detail] = oauthErrorDetails(error);
      assert.equal(detail?.error, "invalid_request");
      assert.match(detail?.errorDescription ?? "", description);
    }
  });

  it("writes need portcullis:issuers:write; reads portcullis:issuers:read; the client registry scopes are not enough", async () => {
    assert.equal((await grpcError(unary(h.grpc, m.putTrustedIssuer, { trustedIssuer: ISSUER }, reader))).code, status.PERMISSION_DENIED);
    const clientsWriter = await h.callerToken("portcullis:clients:read", "portcullis:clients:write");
    assert.equal((await grpcError(unary(h.grpc, m.listTrustedIssuers, {}, clientsWriter))).code, status.PERMISSION_DENIED);
    assert.equal((await grpcError(unary(h.grpc, m.listTrustedIssuers, {}))).code, status.UNAUTHENTICATED);
  });
});
