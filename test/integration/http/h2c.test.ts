import assert from "node:assert/strict";
import http2 from "node:http2";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";
import { http1Request, http2Request } from "../../support/tls-client.js";

const FORM = "application/x-www-form-urlencoded";

describe("the cleartext public listener: HTTP/1.1 and h2c by prior knowledge on one port (RFC 9113 §3.3)", () => {
  let t: TestApp;
  let authorization: Record<string, string>;

  before(async () => {
    t = await startTestApp({ requestTimeout: "600" });
    const client = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic" });
    authorization = basic(client.client_id, client.client_secret!);
  });
  after(() => t.stop());

  const token = (send: typeof http1Request, body = "grant_type=client_credentials") => send(`${t.publicUrl}/token`, { method: "POST", body, headers: { "content-type": FORM, ...authorization } });

  test("an HTTP/2 client with prior knowledge and an HTTP/1.1 client both get discovery and tokens", async () => {
    for (const [send, protocol] of [[http2Request, "h2c"], [http1Request, "http/1.1"]] as const) {
      const discovery = await send(`${t.publicUrl}/.well-known/oauth-authorization-server`);
      assert.equal(discovery.protocol, protocol);
      assert.equal(discovery.json().issuer, t.issuer);
      assert.equal(discovery.json().mtls_endpoint_aliases, undefined, "no mTLS configured, no aliases");
      const issued = await token(send);
      assert.equal(issued.status, 200, issued.body);
      assert.match(String(issued.json().access_token), /^ey/);
      assert.match(String(issued.headers["x-request-id"]), /\S/);
    }
    const metrics = await (await fetch(`${t.metricsUrl}/metrics`)).text();
    assert.match(metrics, /portcullis_http_requests_total\{endpoint="\/token",status="200"\} 2/, "both protocols are counted");
  });

  test("h2c: a header list over 16 KiB → 431; a body over 64 KiB → 413 request_too_large", async () => {
    const big = await http2Request(`${t.publicUrl}/.well-known/openid-configuration`, { headers: { "x-padding": "a".repeat(20_000) } });
    assert.equal(big.status, 431);
    const large = await token(http2Request, `grant_type=client_credentials&pad=${"a".repeat(70_000)}`);
    assert.equal(large.status, 413, large.body);
    assert.equal(large.json().error, "request_too_large");
    assert.equal(large.headers.connection, undefined, "no connection-specific header on HTTP/2 (RFC 9113 §8.2.2)");
  });

  test("a connection that sends nothing is closed once the header timeout passes", async () => {
    const socket = connect({ host: "127.0.0.1", port: Number(new URL(t.publicUrl).port) });
    const started = performance.now();
    await new Promise<void>((resolve) => socket.once("close", () => resolve()).on("error", () => undefined));
    assert.ok(performance.now() - started < 2500, `closed after ${Math.round(performance.now() - started)} ms`);
  });
});

describe("stopping the cleartext listener with an HTTP/2 session open", () => {
  test("the session gets GOAWAY and stop() completes without waiting for the client", async () => {
    const t = await startTestApp();
    const session = http2.connect(t.publicUrl);
    const goaway = new Promise<void>((resolve) => session.once("goaway", () => resolve()));
    session.on("error", () => undefined);
    const stream = session.request({ ":path": "/healthz" });
    const status = await new Promise<number>((resolve) => stream.once("response", (headers) => resolve(Number(headers[":status"]))));
    stream.resume();
    assert.equal(status, 200);
    const started = performance.now();
    await t.stop();
    await goaway;
    assert.ok(performance.now() - started < 3000, `stop took ${Math.round(performance.now() - started)} ms`);
    session.destroy();
  });
});
