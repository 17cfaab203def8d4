import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";

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
