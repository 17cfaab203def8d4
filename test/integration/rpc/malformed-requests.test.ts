import assert from "node:assert/strict";
import { connect } from "node:http2";
import { gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { InternalScopes } from "../../../src/core/policy/scopes.js";
import { startRpcHarness, type RpcHarness } from "./rpc-harness.js";

/** Field 0 with wire type 0: no protobuf message starts like this ("illegal tag"). */
const NOT_PROTOBUF = Buffer.from([0]);
const identity = (bytes: Buffer) => bytes;

/** A request message that does not parse is the caller's error: INVALID_ARGUMENT, never INTERNAL (found by test/fuzz). */
describe("internal gRPC: malformed request messages", () => {
  let h: RpcHarness;
  let metadata: grpc.Metadata;
  before(async () => {
    h = await startRpcHarness();
    metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${await h.callerToken(...Object.values(InternalScopes))}`);
  });
  after(() => h.close());

  test("unary over gRPC: INVALID_ARGUMENT", async () => {
    const code = await new Promise<number>((resolve) =>
      h.grpc.makeUnaryRequest("/portcullis.client.v1.ClientRegistryService/GetClient", identity, identity, NOT_PROTOBUF, metadata, (error) => resolve(error?.code ?? grpc.status.OK)),
    );
    assert.equal(code, grpc.status.INVALID_ARGUMENT);
  });

  test("server stream over gRPC: INVALID_ARGUMENT", async () => {
    const call = h.grpc.makeServerStreamRequest("/portcullis.validation.v1.TokenValidationService/WatchRevocations", identity, identity, NOT_PROTOBUF, metadata);
    const code = await new Promise<number>((resolve) => call.on("error", (error: grpc.ServiceError) => resolve(error.code)).on("data", () => resolve(grpc.status.OK)));
    call.cancel();
    assert.equal(code, grpc.status.INVALID_ARGUMENT);
  });

  /** One POST over a fresh HTTP/2 session: the answer's status and body; a call left open for 2 s is cancelled (no grpc-status). */
  const h2Post = async (path: string, contentType: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; grpcStatus?: string }> => {
    const session = connect(h.test.grpcUrl);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": contentType, authorization: metadata.get("authorization")[0] as string, ...headers });
    const chunks: Buffer[] = [];
    let grpcStatus: string | undefined;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        let answered = 0;
        stream.on("trailers", (trailers) => (grpcStatus = trailers["grpc-status"] as string | undefined));
        stream.on("response", (headers) => (answered = Number(headers[":status"])));
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("close", () => resolve(answered));
        stream.on("error", reject);
        stream.setTimeout(2_000, () => stream.close());
        stream.end(body);
      });
      return { status, body: Buffer.concat(chunks), grpcStatus };
    } finally {
      session.close();
    }
  };

  test("unary over gRPC with a gzip message that does not inflate: INVALID_ARGUMENT", async () => {
    const truncated = gzipSync(Buffer.from("not a message")).subarray(0, 12);
    const frame = Buffer.concat([Buffer.from([1, 0, 0, 0, truncated.length]), truncated]);
    const answer = await h2Post("/portcullis.client.v1.ClientRegistryService/GetClient", "application/grpc", frame, { "grpc-encoding": "gzip", te: "trailers" });
    assert.equal(answer.grpcStatus, String(grpc.status.INVALID_ARGUMENT));
  });

  test("a grpc-timeout beyond what node timers can hold (99999999H): INVALID_ARGUMENT, not a deadline expiring at once", async () => {
    const answer = await h2Post("/portcullis.client.v1.ClientRegistryService/GetClient", "application/grpc", Buffer.from([0, 0, 0, 0, 0]), { "grpc-timeout": "99999999H", te: "trailers" });
    assert.equal(answer.grpcStatus, String(grpc.status.INVALID_ARGUMENT));
  });

  /** gRPC length-prefixed message (gRPC over HTTP/2 "Length-Prefixed-Message"), uncompressed. */
  const framed = (message: string) => {
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(Buffer.byteLength(message), 1);
    return Buffer.concat([prefix, Buffer.from(message)]);
  };
  /** JSON whose parse error quotes a lone UTF-16 surrogate (a duplicate key; V8's excerpt cutting an emoji in half): connect-es cannot percent-encode it. */
  const LONE_SURROGATE_JSON = ['{"\\ud800":1,"\\ud800":2}', `x${"\u{1F600}".repeat(30)}`];

  test("unary over gRPC, JSON codec, a parse error quoting a lone surrogate: INVALID_ARGUMENT, not a call left open", async () => {
    for (const message of LONE_SURROGATE_JSON) {
      const answer = await h2Post("/portcullis.token.v1.TokenService/Introspect", "application/grpc+json", framed(message), { te: "trailers" });
      assert.equal(answer.grpcStatus, String(grpc.status.INVALID_ARGUMENT), message);
    }
  });

  test("server stream over gRPC, JSON codec, a parse error quoting a lone surrogate: INVALID_ARGUMENT", async () => {
    const answer = await h2Post("/portcullis.validation.v1.TokenValidationService/WatchRevocations", "application/grpc+json", framed(LONE_SURROGATE_JSON[0]!), { te: "trailers" });
    assert.equal(answer.grpcStatus, String(grpc.status.INVALID_ARGUMENT));
  });

  test("unary over gRPC-Web, JSON codec, a parse error quoting a lone surrogate: the trailer frame says grpc-status 3", async () => {
    const answer = await h2Post("/portcullis.token.v1.TokenService/Introspect", "application/grpc-web+json", framed(LONE_SURROGATE_JSON[0]!));
    assert.equal(answer.body[0], 0x80, "the answer is a trailer frame");
    assert.match(answer.body.subarray(5).toString(), /^grpc-status: 3\r?$/m);
  });

  test("unary over the Connect protocol: HTTP 400 invalid_argument", async () => {
    const answer = await h2Post("/portcullis.client.v1.ClientRegistryService/GetClient", "application/proto", NOT_PROTOBUF);
    assert.equal(answer.status, 400);
    assert.equal((JSON.parse(answer.body.toString()) as { code: string }).code, "invalid_argument");
  });

  test("unary over gRPC-Web: the trailer frame says grpc-status 3", async () => {
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, NOT_PROTOBUF.length]), NOT_PROTOBUF]);
    const answer = await h2Post("/portcullis.client.v1.ClientRegistryService/GetClient", "application/grpc-web+proto", frame);
    assert.equal(answer.body[0], 0x80, "the answer is a trailer frame");
    assert.match(answer.body.subarray(5).toString(), /^grpc-status: 3\r?$/m);
  });
});
