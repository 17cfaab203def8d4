import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, before, describe, test } from "node:test";
import tls from "node:tls";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";
import { createTestPki, LOOPBACK_SERVER_EXTENSIONS, opensslMissing, type TestPki } from "../../support/test-pki.js";
import { http1Request, http2Request, type ProtocolResponse, type RequestInit } from "../../support/tls-client.js";

const FORM = "application/x-www-form-urlencoded";
const missing = opensslMissing();
if (missing) console.log(`# skipping the HTTPS listener tests: ${missing}`);

describe("the public listener on TLS: HTTP/2 and HTTP/1.1 by ALPN, BCP 195 ciphers (corpus G46)", { skip: missing }, () => {
  let pki: TestPki;
  let t: TestApp;
  let client: { client_id: string; client_secret?: string };
  const trust = () => ({ ca: pki.ca.cert });
  const send = { "HTTP/1.1": http1Request, "HTTP/2": http2Request } as const;

  before(async () => {
    pki = createTestPki();
    const server = pki.issue("server", LOOPBACK_SERVER_EXTENSIONS);
    t = await startTestApp({ publicTlsCert: server.certPath, publicTlsKey: server.keyPath, requestTimeout: "600" });
    client = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic" });
  });
  after(async () => {
    await t?.stop();
    pki?.dispose();
  });

  const tokenRequest = (extra: Partial<RequestInit> = {}): RequestInit => ({
    method: "POST",
    headers: { "content-type": FORM, ...basic(client.client_id, client.client_secret!), ...extra.headers },
    body: extra.body ?? "grant_type=client_credentials",
    tls: trust(),
  });

  for (const [name, protocol] of [["HTTP/1.1", "http/1.1"], ["HTTP/2", "h2"]] as const) {
    test(`${name}: discovery names the https issuer and /token issues a token (ALPN ${protocol})`, async () => {
      assert.ok(t.publicUrl.startsWith("https://"), t.publicUrl);
      const discovery = await send[name](`${t.publicUrl}/.well-known/openid-configuration`, { tls: trust() });
      assert.equal(discovery.protocol, protocol);
      assert.equal(discovery.status, 200, discovery.body);
      assert.equal(discovery.json().issuer, t.issuer);
      assert.equal(discovery.json().token_endpoint, `${t.issuer}/token`);
      assert.equal(discovery.json().mtls_endpoint_aliases, undefined, "no mTLS configured, no aliases");
      const token = await send[name](`${t.publicUrl}/token`, tokenRequest());
      assert.equal(token.status, 200, token.body);
      assert.equal(token.headers["cache-control"], "no-store");
      assert.match(String(token.json().access_token), /^ey/);
      assert.match(String(token.headers["x-request-id"]), /\S/);
    });

    test(`${name}: a header block over 16 KiB → 431`, async () => {
      const res = await send[name](`${t.publicUrl}/.well-known/openid-configuration`, { tls: trust(), headers: { "x-padding": "a".repeat(20_000) } });
      assert.equal(res.status, 431);
    });

    test(`${name}: a body over 64 KiB → 413 request_too_large`, async () => {
      const res = await send[name](`${t.publicUrl}/token`, tokenRequest({ body: `grant_type=client_credentials&pad=${"a".repeat(70_000)}` }));
      assertOAuthError(res, 413, "request_too_large");
    });

    test(`${name}: an unknown grant type is a 400 RFC error, not a 500`, async () => {
      const res = await send[name](`${t.publicUrl}/token`, tokenRequest({ body: "grant_type=urn:example:nope" }));
      assertOAuthError(res, 400, "unsupported_grant_type");
    });
  }

  test("HTTP/1.1 on TLS: a body trickled slower than REQUEST_TIMEOUT gets 408 (corpus S114)", async () => {
    const { hostname, port } = new URL(t.publicUrl);
    const socket = tls.connect({ host: hostname, port: Number(port), ca: pki.ca.cert, ALPNProtocols: ["http/1.1"] });
    await new Promise<void>((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.write(`POST /token HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: ${FORM}\r\nContent-Length: 4096\r\n\r\ngrant_type=`);
    const trickle = setInterval(() => socket.write("a"), 100);
    const started = performance.now();
    await new Promise<void>((resolve) => socket.once("close", resolve).on("error", () => undefined));
    clearInterval(trickle);
    assert.ok(performance.now() - started < 2500, "cut off within ~2 s");
    assert.match(received, /^HTTP\/1\.1 408 /);
  });

  test("HTTP/2: a stream whose body is trickled slower than REQUEST_TIMEOUT gets 408 (corpus S114)", async () => {
    const session = http2.connect(t.publicUrl, { ca: pki.ca.cert });
    const stream = session.request({ ":method": "POST", ":path": "/token", "content-type": FORM });
    stream.write("grant_type=");
    const trickle = setInterval(() => stream.writable && stream.write("a"), 100);
    const status = await new Promise<number>((resolve, reject) => stream.once("response", (headers) => resolve(Number(headers[":status"]))).once("error", reject));
    clearInterval(trickle);
    stream.destroy();
    session.close();
    assert.equal(status, 408);
  });

  test("TLS 1.1 is refused at the handshake (RFC 9325 §3.1.1)", async () => {
    const error = await handshakeError({ minVersion: "TLSv1.1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
    assert.match(error, /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION/i);
  });

  for (const cipher of ["AES128-SHA", "ECDHE-ECDSA-AES128-SHA", "AES128-GCM-SHA256"]) {
    test(`TLS 1.2 with ${cipher} (not ECDHE + AEAD) is refused at the handshake (BCP 195)`, async () => {
      const error = await handshakeError({ maxVersion: "TLSv1.2", ciphers: cipher });
      assert.match(error, /HANDSHAKE_FAILURE|NO_SHARED_CIPHER|INSUFFICIENT_SECURITY/i);
    });
  }

  test("TLS 1.2 with ECDHE-ECDSA-AES128-GCM-SHA256, and TLS 1.3, are accepted", async () => {
    for (const options of [{ maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" }, { minVersion: "TLSv1.3" }] as const) {
      const socket = tls.connect({ host: "127.0.0.1", port: Number(new URL(t.publicUrl).port), ca: pki.ca.cert, ...options });
      const protocol = await new Promise<string | null>((resolve, reject) => socket.once("secureConnect", () => resolve(socket.getProtocol())).once("error", reject));
      socket.destroy();
      assert.equal(protocol, options.maxVersion ?? "TLSv1.3");
    }
  });

  /** Connects with `options` and returns the handshake's error code and message. */
  async function handshakeError(options: tls.ConnectionOptions): Promise<string> {
    const socket = tls.connect({ host: "127.0.0.1", port: Number(new URL(t.publicUrl).port), ca: pki.ca.cert, ...options });
    const outcome = await new Promise<string>((resolve) => socket.once("secureConnect", () => resolve("connected")).once("error", (e: NodeJS.ErrnoException) => resolve(`${e.code} ${e.message}`)));
    socket.destroy();
    assert.notEqual(outcome, "connected", "the handshake must fail");
    assert.match(outcome, /alert/i, `the server refused with an alert, not the client by itself: ${outcome}`);
    return outcome;
  }
});

function assertOAuthError(res: ProtocolResponse, status: number, error: string): void {
  assert.equal(res.status, status, res.body);
  assert.equal(res.json().error, error, res.body);
}
