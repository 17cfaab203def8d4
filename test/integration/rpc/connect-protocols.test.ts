import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { OAuthErrorDetailSchema } from "../../../gen/portcullis/common/v1/error_pb.js";
import { TokenService } from "../../../gen/portcullis/token/v1/token_pb.js";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { startRpcHarness, type RpcHarness } from "./rpc-harness.js";

/** The internal listener serves the Connect and gRPC-Web protocols too (DESIGN "Listeners"). */
describe("internal listener over Connect and gRPC-Web", () => {
  let h: RpcHarness;
  let sessions: Http2SessionManager;
  let caller: string;
  before(async () => {
    h = await startRpcHarness();
    sessions = new Http2SessionManager(h.test.grpcUrl);
    caller = await h.callerToken("portcullis:validate", "portcullis:tokens");
  });
  after(async () => {
    sessions.abort();
    await h.close();
  });

  const options = () => ({ baseUrl: h.test.grpcUrl, httpVersion: "2" as const, sessionManager: sessions });
  const transports: [string, () => Transport][] = [
    ["Connect", () => createConnectTransport(options())],
    ["gRPC-Web", () => createGrpcWebTransport(options())],
  ];

  for (const [protocol, transport] of transports) {
    it(`${protocol}: ValidateToken answers, and errors carry the code and an OAuthErrorDetail`, async () => {
      const validation = createClient(TokenValidationService, transport());
      const headers = { authorization: `Bearer ${caller}` };
      const answer = await validation.validateToken({ token: caller, requiredScopes: ["portcullis:validate"] }, { headers });
      assert.equal(answer.active, true);
      assert.equal(answer.clientId, h.callerId);

      const unauthenticated = ConnectError.from(await validation.validateToken({ token: caller }).catch((e: unknown) => e));
      assert.equal(unauthenticated.code, Code.Unauthenticated);

      const failure = ConnectError.from(await createClient(TokenService, transport()).introspect({ token: "" }, { headers }).catch((e: unknown) => e));
      assert.equal(failure.code, Code.InvalidArgument);
      assert.deepEqual(
        failure.findDetails(OAuthErrorDetailSchema).map(({ error, errorDescription }) => ({ error, errorDescription })),
        [{ error: "invalid_request", errorDescription: "token is required" }],
      );
    });
  }

  it("Connect: WatchRevocations streams until the client aborts", async () => {
    const controller = new AbortController();
    const stream = createClient(TokenValidationService, transports[0]![1]()).watchRevocations({}, { headers: { authorization: `Bearer ${caller}` }, signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.subscribed, true);
    const token = await h.mint(h.callerId);
    await createClient(TokenService, transports[0]![1]()).revoke({ token }, { headers: { authorization: `Bearer ${caller}` } });
    assert.equal((await iterator.next()).value?.kind, "token");
    controller.abort();
    await assert.rejects(iterator.next(), (e: unknown) => ConnectError.from(e).code === Code.Canceled);
  });
});
