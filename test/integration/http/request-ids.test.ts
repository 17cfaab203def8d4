import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";

/** README "Request ids": every public response and internal call carries one; a caller's safe id is kept. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.stop());

const idOf = async (path: string, headers: Record<string, string> = {}) => (await fetch(`${t.publicUrl}${path}`, { headers })).headers.get("x-request-id");

test("every public response has a fresh X-Request-Id: success, OAuth error, 404 and 405 alike", async () => {
  const client = await t.createClient({ grant_types: ["client_credentials"] });
  const ids = [
    (await t.postForm("/token", { grant_type: "client_credentials" }, basic(client.client_id, client.client_secret!))).headers.get("x-request-id"),
    (await t.postForm("/token", { grant_type: "client_credentials" }, basic(client.client_id, "wrong"))).headers.get("x-request-id"),
    await idOf("/no/such/path"),
    (await fetch(`${t.publicUrl}/token`)).headers.get("x-request-id"),
    await idOf("/.well-known/openid-configuration"),
  ];
  for (const id of ids) assert.match(id ?? "", UUID);
  assert.equal(new Set(ids).size, ids.length);
});

test("a caller's short safe X-Request-Id is kept; anything else is replaced by a fresh one", async () => {
  assert.equal(await idOf("/jwks", { "x-request-id": "lb-7f3a.9:b_c-1" }), "lb-7f3a.9:b_c-1");
  for (const unsafe of ["a".repeat(65), "two words", 'quote"d', "new%0aline", "<script>"]) assert.match((await idOf("/jwks", { "x-request-id": unsafe })) ?? "", UUID, unsafe);
});

test("gRPC echoes a safe x-request-id metadata value in the response headers, or sends a fresh one", async () => {
  const client = new grpc.Client(new URL(t.grpcUrl).host, grpc.credentials.createInsecure());
  const path = `/${TokenValidationService.typeName}/${TokenValidationService.method.validateToken.name}`;
  const responseId = (metadata: grpc.Metadata) =>
    new Promise<string>((resolve) => {
      const call = client.makeUnaryRequest(path, () => Buffer.alloc(0), (bytes: Buffer) => bytes, {}, metadata, () => undefined);
      call.on("metadata", (headers) => resolve(String(headers.get("x-request-id")[0])));
    });
  try {
    const sent = new grpc.Metadata();
    sent.set("x-request-id", "rs-call-42");
    assert.equal(await responseId(sent), "rs-call-42");
    assert.match(await responseId(new grpc.Metadata()), UUID);
  } finally {
    client.close();
  }
});
