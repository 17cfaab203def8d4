import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";
import { expectOAuthError, expectRawOAuthError, formBody, rawHttp, type RawResponse } from "../support/oauth-assertions.js";

/** Security corpus group R (97, 98) and S114: HTTP-level bad input (body and header limits, content types, encodings, timeouts). */
const FORM = "application/x-www-form-urlencoded";
const KIB = 1024;

type Client = { client_id: string; client_secret?: string };

describe("HTTP-level bad input (corpus R 97–98)", () => {
  let t: TestApp;
  let client: Client;

  before(async () => {
    t = await startTestApp({ authFailureLimit: "1000" });
    client = await t.createClient({ grant_types: ["client_credentials"] });
  });
  after(() => t.stop());

  const url = (path: string) => `${t.publicUrl}${path}`;
  const auth = () => basic(client.client_id, client.client_secret!);
  const assertNot5xx = (res: RawResponse | Response, what: string) => assert.ok(res.status < 500, `${what}: status ${res.status}`);

  describe("R97: size limits", () => {
    const bigForm = formBody({ grant_type: "client_credentials", padding: "a".repeat(70 * KIB) });

    for (const path of ["/token", "/introspect", "/revoke"]) {
      test(`${path}: a body over 64 KiB with Content-Length → 413`, async () => {
        const res = await rawHttp(url(path), { headers: { "content-type": FORM, ...auth() }, body: bigForm });
        expectRawOAuthError(res, 413, "request_too_large");
      });
    }

    test("/token: a chunked body over 64 KiB (no Content-Length) → 413 while streaming", async () => {
      const res = await rawHttp(url("/token"), { headers: { "content-type": FORM, "transfer-encoding": "chunked", ...auth() }, body: bigForm, chunked: true });
      expectRawOAuthError(res, 413, "request_too_large");
    });

    test("/token: a declared Content-Length over the limit is refused before the body arrives", async () => {
      const res = await rawHttp(url("/token"), { headers: { "content-type": FORM, "content-length": String(10 * 1024 * KIB), ...auth() }, body: undefined, timeoutMs: 3000 });
      expectRawOAuthError(res, 413, "request_too_large");
    });

    test("/register: a JSON body over 64 KiB → 413 (before any authorization)", async () => {
      const body = JSON.stringify({ client_name: "x", redirect_uris: Array.from({ length: 2000 }, (_, i) => `https://client.example.test/cb/${i}/${"p".repeat(20)}`) });
      assert.ok(body.length > 64 * KIB);
      const res = await rawHttp(url("/register"), { headers: { "content-type": "application/json" }, body });
      assert.equal(res.status, 413, res.body);
      assert.equal((JSON.parse(res.body) as { error: string }).error, "request_too_large");
      const chunked = await rawHttp(url("/register"), { headers: { "content-type": "application/json", "transfer-encoding": "chunked" }, body, chunked: true });
      assert.equal(chunked.status, 413, chunked.body);
    });

    test("a body just under 64 KiB is processed normally", async () => {
      const body = formBody({ grant_type: "client_credentials", padding: "a".repeat(60 * KIB) });
      const res = await rawHttp(url("/token"), { headers: { "content-type": FORM, ...auth() }, body });
      assert.equal(res.status, 200, res.body);
    });

    test("a header block over 16 KiB → 431", async () => {
      const res = await rawHttp(url("/token"), { headers: { "content-type": FORM, "x-padding": "h".repeat(17 * KIB), ...auth() }, body: "grant_type=client_credentials" });
      assert.equal(res.status, 431);
      const many: Record<string, string> = {};
      for (let i = 0; i < 200; i++) many[`x-pad-${i}`] = "v".repeat(100);
      const split = await rawHttp(url("/token"), { headers: { "content-type": FORM, ...many, ...auth() }, body: "grant_type=client_credentials" });
      assert.equal(split.status, 431, "the limit applies to the whole header block, not one header");
    });

    test("a header block under 16 KiB is accepted", async () => {
      const res = await rawHttp(url("/token"), { headers: { "content-type": FORM, "x-padding": "h".repeat(12 * KIB), ...auth() }, body: "grant_type=client_credentials" });
      assert.equal(res.status, 200, res.body);
    });

    test("the server still answers after the oversized requests", async () => {
      const res = await t.postForm("/token", { grant_type: "client_credentials" }, auth());
      assert.equal(res.status, 200);
    });
  });

  describe("R98: content type and encoding at the form endpoints", () => {
    const forms: Record<string, string> = { "/token": "grant_type=client_credentials", "/introspect": "token=abc", "/revoke": "token=abc" };

    for (const [path, body] of Object.entries(forms)) {
      test(`${path}: wrong or missing Content-Type → 400 invalid_request`, async () => {
        for (const contentType of ["application/json", "multipart/form-data; boundary=x", "text/plain", "application/x-www-form-urlencodedx", "application/xml", ""]) {
          const headers: Record<string, string> = { ...auth() };
          if (contentType) headers["content-type"] = contentType;
          const payload = contentType === "application/json" ? JSON.stringify({ token: "abc", grant_type: "client_credentials" }) : body;
          const res = await rawHttp(url(path), { headers, body: payload });
          assertNot5xx(res, `${path} ${contentType || "(none)"}`);
          expectRawOAuthError(res, 400, "invalid_request");
        }
      });

      test(`${path}: a real multipart body → 400 invalid_request`, async () => {
        const form = new FormData();
        for (const [name, value] of new URLSearchParams(body)) form.append(name, value);
        const res = await fetch(url(path), { method: "POST", headers: auth(), body: form });
        await expectOAuthError(res, 400, "invalid_request");
      });

      const encodings: [string, string | Buffer][] = [
        ["broken percent-encoding %ZZ", `${body}&a=%ZZ`],
        ["a lone %", `${body}&a=%`],
        ["a truncated escape %4", `${body}&a=%4`],
        ["percent-encoded invalid UTF-8 (%FF)", `${body}&a=%FF`],
        ["a truncated UTF-8 sequence (%E0%A4)", `${body}&a=%E0%A4`],
        ["an overlong UTF-8 encoding (%C0%AF)", `${body}&a=%C0%AF`],
        ["encoded NUL in a value (%00)", `${body}&a=x%00y`],
        ["encoded NUL in a name", `${body}&a%00b=1`],
        ["a raw NUL byte", Buffer.concat([Buffer.from(`${body}&a=x`), Buffer.from([0x00]), Buffer.from("y")])],
        ["raw invalid UTF-8 bytes", Buffer.concat([Buffer.from(`${body}&a=`), Buffer.from([0xff, 0xfe, 0xc3])])],
        ["a raw UTF-16 surrogate encoded as CESU bytes", Buffer.concat([Buffer.from(`${body}&a=`), Buffer.from([0xed, 0xa0, 0x80])])],
      ];
      for (const [name, payload] of encodings) {
        test(`${path}: ${name} → 400 invalid_request, never 500`, async () => {
          const res = await rawHttp(url(path), { headers: { "content-type": FORM, ...auth() }, body: payload });
          assertNot5xx(res, name);
          expectRawOAuthError(res, 400, "invalid_request");
        });
      }
    }

    test("/token: parameters in the query string are not read (RFC 6749 §3.2 wants them in the body)", async () => {
      const res = await fetch(url("/token?grant_type=client_credentials"), { method: "POST", headers: { "content-type": FORM, ...auth() }, body: "" });
      await expectOAuthError(res, 400, "invalid_request");
    });

    test("/register: malformed JSON and a non-object body → 400, never 500", async () => {
      for (const body of ["{", "[]", "null", "\"x\"", Buffer.from([0x7b, 0xff, 0x7d])]) {
        const res = await rawHttp(url("/register"), { headers: { "content-type": "application/json", authorization: "Bearer x" }, body });
        assertNot5xx(res, `register ${String(body)}`);
        assert.ok([400, 401].includes(res.status), `register ${String(body)}: ${res.status}`);
      }
    });
  });

  describe("unknown paths", () => {
    for (const path of ["/nope", "/token/", "/TOKEN", "/token/extra", "/%2e%2e/token", "/.well-known/nope", "/introspect%00"]) {
      test(`${path} → 404`, async () => {
        for (const method of ["GET", "POST"]) {
          const res = await rawHttp(url("/"), { rawPath: path, method, headers: method === "POST" ? { "content-type": FORM } : {}, body: method === "POST" ? "grant_type=client_credentials" : undefined });
          assert.equal(res.status, 404, `${method} ${path}: ${res.body}`);
          assert.match(String(res.headers["content-type"]), /^application\/json/);
        }
      });
    }
  });
});

describe("S114: slow POST body", () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ requestTimeout: "500" });
  });
  after(() => t.stop());

  test("a body trickled slower than requestTimeout is cut off (408 or closed) within ~2 s", async () => {
    const { hostname, port } = new URL(t.publicUrl);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const started = performance.now();
    let received = "";
    let trickle: NodeJS.Timeout | undefined;
    const outcome = await new Promise<{ how: "closed" | "timeout"; elapsedMs: number }>((resolve) => {
      const limit = setTimeout(() => resolve({ how: "timeout", elapsedMs: performance.now() - started }), 5000);
      socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
      socket.on("error", () => undefined);
      socket.once("close", () => {
        clearTimeout(limit);
        resolve({ how: "closed", elapsedMs: performance.now() - started });
      });
      socket.write(`POST /token HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: ${FORM}\r\nContent-Length: 4096\r\n\r\ngrant_type=`);
      let sent = 0;
      trickle = setInterval(() => {
        if (sent++ < 100 && !socket.destroyed) socket.write("a");
      }, 100);
    });
    clearInterval(trickle);
    socket.destroy();
    assert.equal(outcome.how, "closed", `the connection was still open after 5 s (received: ${JSON.stringify(received.slice(0, 80))})`);
    assert.ok(outcome.elapsedMs < 2000, `closed only after ${Math.round(outcome.elapsedMs)} ms`);
    if (received !== "") assert.match(received, /^HTTP\/1\.1 408 /, `unexpected response ${JSON.stringify(received.slice(0, 80))}`);
  });

  test("a slow header block is cut off too", async () => {
    const { hostname, port } = new URL(t.publicUrl);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const started = performance.now();
    let trickle: NodeJS.Timeout | undefined;
    const outcome = await new Promise<{ how: "closed" | "timeout"; elapsedMs: number }>((resolve) => {
      const limit = setTimeout(() => resolve({ how: "timeout", elapsedMs: performance.now() - started }), 5000);
      socket.on("data", () => undefined);
      socket.on("error", () => undefined);
      socket.once("close", () => {
        clearTimeout(limit);
        resolve({ how: "closed", elapsedMs: performance.now() - started });
      });
      socket.write(`POST /token HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`);
      let sent = 0;
      trickle = setInterval(() => {
        if (sent++ < 100 && !socket.destroyed) socket.write(`X-Slow-${sent}: a\r\n`);
      }, 100);
    });
    clearInterval(trickle);
    socket.destroy();
    assert.equal(outcome.how, "closed", "the connection was still open after 5 s");
    assert.ok(outcome.elapsedMs < 2000, `closed only after ${Math.round(outcome.elapsedMs)} ms`);
  });
});
