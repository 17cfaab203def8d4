import "reflect-metadata";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { after, before, describe, it } from "node:test";
import { status, type ServiceError } from "@grpc/grpc-js";
import { TokenService } from "../../../gen/portcullis/token/v1/token_pb.js";
import { TokenValidationService, type ValidateTokenRequestSchema } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { nextMessage, serverStream, startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

const THUMBPRINT = "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2";

/** TokenValidationService over a real gRPC client (RFC 6750 §3.1, RFC 9068 §4, RFC 8705 §3). */
describe("TokenValidationService", () => {
  let h: RpcHarness;
  let caller: string;
  let resourceClient: string;
  before(async () => {
    h = await startRpcHarness();
    caller = await h.callerToken("portcullis:validate", "portcullis:tokens");
    resourceClient = (await h.test.createClient({ client_name: "app", grant_types: ["client_credentials"] })).client_id;
  });
  after(() => h.close());

  const validate = (request: MessageInitShape<typeof ValidateTokenRequestSchema>) =>
    unary(h.grpc, TokenValidationService.method.validateToken, request, caller);

  it("describes an active token: subject, client, scopes, audiences, times, jti, type and claims", async () => {
    const token = await h.mint(resourceClient, { subject: "alice", scopes: ["read", "write"], audiences: ["https://api.example.com"] });
    const answer = await validate({ token });
    assert.equal(answer.active, true);
    assert.equal(answer.failure, "");
    assert.equal(answer.subject, "alice");
    assert.equal(answer.clientId, resourceClient);
    assert.deepEqual(answer.scopes, ["read", "write"]);
    assert.deepEqual(answer.audiences, ["https://api.example.com"]);
    assert.equal(answer.expiresAt - answer.issuedAt, 300n);
    assert.equal(answer.tokenType, "Bearer");
    assert.equal(answer.claims?.iss, h.test.issuer);
    assert.equal(answer.claims?.jti, answer.jti);
    assert.equal(answer.confirmation, undefined);
  });

  it("answers inactive invalid_token, never an error, for empty, garbage, 10 KB and oversized input", async () => {
    const garbage = ["", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", randomBytes(7_500).toString("base64url"), "x".repeat(20_000), "\u0000\uffff"];
    for (const token of garbage) assert.deepEqual(pick(await validate({ token })), { active: false, failure: "invalid_token" }, token.slice(0, 20));
  });

  it("answers inactive once the token expired or was revoked", async () => {
    const expiring = await h.mint(resourceClient, { ttl: 30 });
    h.clock.advance(31);
    try {
      assert.equal((await validate({ token: expiring })).active, false);
    } finally {
      h.clock.advance(-31);
    }
    const token = await h.mint(resourceClient);
    assert.equal((await validate({ token })).active, true);
    await unary(h.grpc, TokenService.method.revoke, { token }, caller);
    assert.deepEqual(pick(await validate({ token })), { active: false, failure: "invalid_token" });
  });

  it("checks required scopes (insufficient_scope) and the required audience (invalid_token)", async () => {
    const token = await h.mint(resourceClient, { scopes: ["read"], audiences: ["https://api.example.com"] });
    assert.equal((await validate({ token, requiredScopes: ["read"], requiredAudience: "https://api.example.com" })).active, true);
    assert.deepEqual(pick(await validate({ token, requiredScopes: ["read", "write"] })), { active: false, failure: "insufficient_scope" });
    assert.deepEqual(pick(await validate({ token, requiredAudience: "https://other.example.com" })), { active: false, failure: "invalid_token" });
    const inactive = await validate({ token, requiredScopes: ["write"] });
    assert.equal(inactive.subject, "", "an unmet requirement reveals nothing about the token");
  });

  it("accepts a certificate-bound token only with the matching thumbprint (RFC 8705 §3)", async () => {
    const token = await h.mint(resourceClient, { confirmation: { "x5t#S256": THUMBPRINT } });
    const bound = await validate({ token, clientCertificateThumbprint: THUMBPRINT });
    assert.equal(bound.active, true);
    assert.equal(bound.confirmation?.x5tS256, THUMBPRINT);
    assert.deepEqual(pick(await validate({ token })), { active: false, failure: "invalid_token" });
    assert.deepEqual(pick(await validate({ token, clientCertificateThumbprint: THUMBPRINT.replace("b", "c") })), { active: false, failure: "invalid_token" });
  });

  it("WatchRevocations confirms the subscription, streams revocations and stops on cancel", async () => {
    const stream = serverStream(h.grpc, TokenValidationService.method.watchRevocations, {}, caller);
    const ended = new Promise<ServiceError>((resolve) => stream.on("error", resolve));
    try {
      assert.equal((await nextMessage(stream)).subscribed, true);
      const token = await h.mint(resourceClient);
      const { jti } = await validate({ token });
      await unary(h.grpc, TokenService.method.revoke, { token }, caller);
      const event = await nextMessage(stream);
      assert.deepEqual({ kind: event.kind, id: event.id, subscribed: event.subscribed }, { kind: "token", id: jti, subscribed: false });
      assert.ok(Math.abs(Number(event.revokedAtMs) - h.clock.now()) < 5_000);
    } finally {
      stream.cancel();
    }
    assert.equal((await ended).code, status.CANCELLED);
  });
});

describe("WatchRevocations on shutdown", () => {
  it("ends open streams with UNAVAILABLE and lets the listener close", async () => {
    const h = await startRpcHarness();
    const stream = serverStream(h.grpc, TokenValidationService.method.watchRevocations, {}, await h.callerToken("portcullis:validate"));
    const ended = new Promise<ServiceError>((resolve) => stream.on("error", resolve));
    assert.equal((await nextMessage(stream)).subscribed, true);
    stream.resume();
    await h.close();
    assert.equal((await ended).code, status.UNAVAILABLE);
  });
});

function pick(answer: { active: boolean; failure: string }): { active: boolean; failure: string } {
  return { active: answer.active, failure: answer.failure };
}
