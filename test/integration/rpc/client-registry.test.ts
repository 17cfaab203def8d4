import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { ClientRegistryService } from "../../../gen/portcullis/client/v1/client_pb.js";
import { grpcError, oauthErrorDetails, startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

const METADATA = { client_name: "billing", grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic", scope: "read" };

/** ClientRegistryService: operator registration with RFC 7591 / RFC 7592 semantics over a real gRPC client. */
describe("ClientRegistryService", () => {
  let h: RpcHarness;
  let writer: string;
  before(async () => {
    h = await startRpcHarness();
    writer = await h.callerToken("portcullis:clients:read", "portcullis:clients:write");
  });
  after(() => h.close());

  const m = ClientRegistryService.method;

  it("creates, reads, updates, rotates and deletes a client", async () => {
    const created = (await unary(h.grpc, m.createClient, { metadata: METADATA }, writer)).client!;
    assert.ok(created.clientId);
    assert.ok(created.clientSecret);
    assert.equal(created.response?.client_id, created.clientId);
    assert.equal(created.response?.client_secret, created.clientSecret);
    assert.equal(created.response?.client_name, "billing");

    const read = (await unary(h.grpc, m.getClient, { clientId: created.clientId }, writer)).client!;
    assert.equal(read.clientSecret, undefined, "a secret is shown only when issued");
    assert.equal(read.response?.client_secret, undefined);
    assert.equal(read.response?.scope, "read");

    const updated = (await unary(h.grpc, m.updateClient, { clientId: created.clientId, metadata: { ...METADATA, client_name: "billing v2" } }, writer)).client!;
    assert.equal(updated.response?.client_name, "billing v2");
    assert.equal(updated.clientSecret, undefined);

    const rotated = (await unary(h.grpc, m.rotateClientSecret, { clientId: created.clientId }, writer)).client!;
    assert.ok(rotated.clientSecret);
    assert.notEqual(rotated.clientSecret, created.clientSecret);

    await unary(h.grpc, m.deleteClient, { clientId: created.clientId }, writer);
    for (const call of [
      unary(h.grpc, m.getClient, { clientId: created.clientId }, writer),
      unary(h.grpc, m.deleteClient, { clientId: created.clientId }, writer),
      unary(h.grpc, m.updateClient, { clientId: created.clientId, metadata: METADATA }, writer),
      unary(h.grpc, m.rotateClientSecret, { clientId: created.clientId }, writer),
      unary(h.grpc, m.getClient, { clientId: "" }, writer),
    ]) {
      assert.equal((await grpcError(call)).code, status.NOT_FOUND);
    }
  });

  it("lists every client in pages ordered by client id", async () => {
    for (let i = 0; i < 3; i++) await unary(h.grpc, m.createClient, { metadata: { ...METADATA, client_name: `app ${i}` } }, writer);
    const ids: string[] = [];
    let pageToken = "";
    do {
      const page = await unary(h.grpc, m.listClients, { pageSize: 2, pageToken }, writer);
      assert.ok(page.clients.length <= 2);
      ids.push(...page.clients.map((c) => c.clientId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    const all = (await unary(h.grpc, m.listClients, {}, writer)).clients.map((c) => c.clientId);
    assert.deepEqual(ids, all);
    assert.deepEqual(ids, [...ids].sort());
    assert.ok(ids.includes(h.callerId) && ids.length >= 4);
    assert.equal((await grpcError(unary(h.grpc, m.listClients, { pageSize: -1 }, writer))).code, status.INVALID_ARGUMENT);
  });

  it("rejects invalid metadata with INVALID_ARGUMENT and the RFC 7591 §3.2.2 error as OAuthErrorDetail", async () => {
    const failure = await grpcError(unary(h.grpc, m.createClient, { metadata: { grant_types: ["authorization_code"] } }, writer));
    assert.equal(failure.code, status.INVALID_ARGUMENT);
    assert.equal(oauthErrorDetails(failure)[0]?.error, "invalid_redirect_uri");
    const bad = await grpcError(unary(h.grpc, m.createClient, { metadata: { token_endpoint_auth_method: 42 } }, writer));
    assert.equal(bad.code, status.INVALID_ARGUMENT);
    assert.equal(oauthErrorDetails(bad)[0]?.error, "invalid_client_metadata");
  });

  it("rotating the secret of a client whose method uses none is invalid_request", async () => {
    const metadata = { client_name: "keys only", grant_types: ["client_credentials"], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [] } };
    const pub = (await unary(h.grpc, m.createClient, { metadata }, writer)).client!;
    const failure = await grpcError(unary(h.grpc, m.rotateClientSecret, { clientId: pub.clientId }, writer));
    assert.equal(oauthErrorDetails(failure)[0]?.error, "invalid_request");
  });
});
