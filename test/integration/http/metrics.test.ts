import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { TokenService } from "../../../gen/portcullis/token/v1/token_pb.js";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { InternalScopes } from "../../../src/core/policy/scopes.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";
import { unary } from "../rpc/rpc-harness.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.stop());

test("GET /metrics exposes per-endpoint request counts and latencies, never raw URLs", async () => {
  const client = await t.createClient({ grant_types: ["client_credentials"] });
  assert.equal((await t.postForm("/token", { grant_type: "client_credentials" }, basic(client.client_id, client.client_secret!))).status, 200);
  assert.equal((await t.postForm("/token", { grant_type: "client_credentials" }, basic(client.client_id, "wrong"))).status, 401);
  await fetch(`${t.publicUrl}/no/such/path?token=secret-looking-value`);
  const res = await fetch(`${t.metricsUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  const text = await res.text();
  assert.match(text, /portcullis_http_requests_total\{endpoint="\/token",status="200"\} 1/);
  assert.match(text, /portcullis_http_requests_total\{endpoint="\/token",status="401"\} 1/);
  assert.match(text, /portcullis_http_requests_total\{endpoint="unmatched",status="404"\} 1/);
  assert.match(text, /portcullis_http_request_duration_seconds_count\{endpoint="\/token"\} 2/);
  assert.match(text, /portcullis_process_cpu_seconds_total/);
  assert.ok(!text.includes("secret-looking-value"));
  assert.equal((await fetch(`${t.metricsUrl}/other`)).status, 404);
});

test("metrics per grant type, client-auth method, OAuth error and gRPC method, with bounded labels", async () => {
  const own = await startTestApp();
  try {
    const client = await own.createClient({ grant_types: ["client_credentials"], scope: InternalScopes.validate });
    const auth = basic(client.client_id, client.client_secret!);
    const { access_token: token } = (await (await own.postForm("/token", { grant_type: "client_credentials" }, auth)).json()) as { access_token: string };
    assert.equal((await own.postForm("/token", { grant_type: "client_credentials" }, basic(client.client_id, "wrong"))).status, 401);
    assert.equal((await own.postForm("/token", { grant_type: "urn:example:made-up:1" }, auth)).status, 400);
    assert.equal((await own.postForm("/token", { grant_type: "urn:example:made-up:2" }, auth)).status, 400);
    const grpcClient = new grpc.Client(new URL(own.grpcUrl).host, grpc.credentials.createInsecure());
    try {
      const caller = new grpc.Metadata();
      caller.set("authorization", `Bearer ${token}`);
      assert.equal((await unary(grpcClient, TokenValidationService.method.validateToken, { token }, caller)).active, true);
      await assert.rejects(unary(grpcClient, TokenService.method.introspect, { token }), { code: grpc.status.UNAUTHENTICATED });
    } finally {
      grpcClient.close();
    }
    const text = await (await fetch(`${own.metricsUrl}/metrics`)).text();
    assert.match(text, /portcullis_token_requests_total\{grant_type="client_credentials",outcome="issued"\} 1\n/);
    assert.match(text, /portcullis_token_requests_total\{grant_type="client_credentials",outcome="invalid_client"\} 1\n/);
    assert.match(text, /portcullis_token_requests_total\{grant_type="other",outcome="unsupported_grant_type"\} 2\n/);
    assert.ok(!text.includes("made-up"), "an unknown grant type became a label");
    assert.match(text, /portcullis_client_authentications_total\{method="client_secret_basic",outcome="success"\} 1\n/);
    assert.match(text, /portcullis_client_authentications_total\{method="client_secret_basic",outcome="failure"\} 1\n/);
    assert.match(text, /portcullis_oauth_errors_total\{endpoint="\/token",error="invalid_client"\} 1\n/);
    assert.match(text, /portcullis_oauth_errors_total\{endpoint="\/token",error="unsupported_grant_type"\} 2\n/);
    assert.match(text, /portcullis_rpc_requests_total\{method="portcullis.validation.v1.TokenValidationService\/ValidateToken",code="OK"\} 1\n/);
    assert.match(text, /portcullis_rpc_requests_total\{method="portcullis.token.v1.TokenService\/Introspect",code="UNAUTHENTICATED"\} 1\n/);
    assert.match(text, /portcullis_rpc_request_duration_seconds_count\{method="portcullis.validation.v1.TokenValidationService\/ValidateToken"\} 1\n/);
    assert.match(text, /portcullis_http_request_duration_seconds_bucket\{le="0.002",endpoint="\/token"\} \d+/);
  } finally {
    await own.stop();
  }
});
