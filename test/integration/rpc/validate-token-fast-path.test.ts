import "reflect-metadata";
import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, before, describe, it } from "node:test";
import { create, equals, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { TokenValidationService, ValidateTokenRequestSchema, ValidateTokenResponseSchema } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

const PATH = "/portcullis.validation.v1.TokenValidationService/ValidateToken";

/** Sends one raw gRPC request over HTTP/2 and returns the grpc-status trailer. */
function rawGrpc(url: string, body: Buffer, headers: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": PATH, "content-type": "application/grpc", te: "trailers", ...headers });
    let status: string | undefined;
    stream.on("trailers", (trailers) => (status = String(trailers["grpc-status"])));
    stream.on("response", (h) => h["grpc-status"] !== undefined && (status = String(h["grpc-status"])));
    stream.resume();
    stream.on("close", () => {
      session.close();
      resolve(status);
    });
    stream.end(body);
  });
}

/** A length-prefixed, uncompressed gRPC message. */
function framed(message: Uint8Array): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** The ValidateToken fast path (bare node:http2) must answer exactly as the Connect handler does. */
describe("ValidateToken fast path", () => {
  let h: RpcHarness;
  let caller: string;
  let token: string;
  before(async () => {
    h = await startRpcHarness();
    caller = await h.callerToken("portcullis:validate");
    const app = (await h.test.createClient({ grant_types: ["client_credentials"] })).client_id;
    token = await h.mint(app, { subject: "alice", scopes: ["read"], audiences: ["https://api.example.com"] });
  });
  after(() => h.close());

  it("gives the same answer as the Connect protocol and as a gzip-compressed gRPC call (both served by Connect)", async () => {
    const fast = await unary(h.grpc, TokenValidationService.method.validateToken, { token, requiredScopes: ["read"] }, caller);
    const sessions = new Http2SessionManager(h.test.grpcUrl);
    try {
      const viaConnect = await createClient(TokenValidationService, createConnectTransport({ baseUrl: h.test.grpcUrl, httpVersion: "2", sessionManager: sessions })).validateToken(
        { token, requiredScopes: ["read"] },
        { headers: { authorization: `Bearer ${caller}` } },
      );
      assert.ok(equals(ValidateTokenResponseSchema, create(ValidateTokenResponseSchema, fast), viaConnect));
    } finally {
      sessions.abort();
    }
    const gzip = new grpc.Client(new URL(h.test.grpcUrl).host, grpc.credentials.createInsecure(), { "grpc.default_compression_algorithm": 2 });
    try {
      const compressed = await unary(gzip, TokenValidationService.method.validateToken, { token, requiredScopes: ["read"] }, caller);
      assert.ok(equals(ValidateTokenResponseSchema, create(ValidateTokenResponseSchema, fast), create(ValidateTokenResponseSchema, compressed)));
    } finally {
      gzip.close();
    }
    assert.equal(fast.active, true);
  });

  it("applies the same caller authentication (UNAUTHENTICATED / PERMISSION_DENIED)", async () => {
    const message = framed(toBinary(ValidateTokenRequestSchema, create(ValidateTokenRequestSchema, { token })));
    assert.equal(await rawGrpc(h.test.grpcUrl, message, {}), String(grpc.status.UNAUTHENTICATED));
    assert.equal(await rawGrpc(h.test.grpcUrl, message, { authorization: "Bearer garbage" }), String(grpc.status.UNAUTHENTICATED));
    const wrongScope = await h.callerToken("portcullis:tokens");
    assert.equal(await rawGrpc(h.test.grpcUrl, message, { authorization: `Bearer ${wrongScope}` }), String(grpc.status.PERMISSION_DENIED));
    assert.equal(await rawGrpc(h.test.grpcUrl, message, { authorization: `Bearer ${caller}` }), "0");
  });

  it("refuses malformed and oversized frames with INVALID_ARGUMENT / RESOURCE_EXHAUSTED, never INTERNAL", async () => {
    const auth = { authorization: `Bearer ${caller}` };
    assert.equal(await rawGrpc(h.test.grpcUrl, Buffer.from([0, 0, 0]), auth), String(grpc.status.INVALID_ARGUMENT));
    assert.equal(await rawGrpc(h.test.grpcUrl, Buffer.from([0, 0, 0, 0, 9, 1]), auth), String(grpc.status.INVALID_ARGUMENT));
    assert.equal(await rawGrpc(h.test.grpcUrl, Buffer.from([0, 0, 0, 0, 3, 0xff, 0xff, 0xff]), auth), String(grpc.status.INVALID_ARGUMENT));
    const huge = Buffer.alloc(70_000);
    huge.writeUInt32BE(huge.length - 5, 1);
    assert.equal(await rawGrpc(h.test.grpcUrl, huge, auth), String(grpc.status.RESOURCE_EXHAUSTED));
  });
});
