import "reflect-metadata";
import assert from "node:assert/strict";
import dns from "node:dns/promises";
import { syncBuiltinESMExports } from "node:module";
import { after, before, describe, it, mock } from "node:test";
import { loadConfig } from "../../../src/config/config.js";
import { isForbiddenAddress, SafeFetcher, SafeFetchError, type SafeFetchFailure } from "../../../src/core/security/safe-fetch.js";
import { startLocalServer, type LocalServer } from "./local-server.js";

const fetcherWith = (overrides: Record<string, string> = {}) =>
  new SafeFetcher(loadConfig({}, { issuer: "https://as.example.com", fetchTimeout: "300", fetchMaxBytes: "1024", ...overrides }));

async function expectFailure(promise: Promise<unknown>, reason: SafeFetchFailure): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof SafeFetchError, String(error));
    assert.equal(error.reason, reason, error.message);
    return true;
  });
}

describe("isForbiddenAddress", () => {
  it("refuses loopback, private, link-local, unique-local, CGNAT, this-network, multicast and mapped forms", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "0.0.0.0",
      "100.64.0.1",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "fd12:3456::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:a9fe:a9fe",
      "::ffff:10.0.0.1",
      "::127.0.0.1",
      "not-an-ip",
    ]) {
      assert.equal(isForbiddenAddress(address), true, address);
    }
  });

  it("allows public addresses", () => {
    for (const address of ["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
      assert.equal(isForbiddenAddress(address), false, address);
    }
  });
});

describe("SafeFetcher with fetchAllowPrivate=false (corpus 88 SSRF)", () => {
  const fetcher = fetcherWith({ fetchAllowPrivate: "false" });

  it("refuses 127.0.0.1, 169.254.169.254, 2130706433, [::1], [::ffff:127.0.0.1] and 0x7f.1 without connecting", async () => {
    for (const url of [
      "https://127.0.0.1/jwks",
      "https://169.254.169.254/latest/meta-data/",
      "https://2130706433/jwks",
      "https://[::1]/jwks",
      "https://[::ffff:127.0.0.1]/jwks",
      "https://0x7f.1/jwks",
      "https://10.0.0.8/jwks",
    ]) {
      await expectFailure(fetcher.fetch(url), "forbidden_address");
    }
  });

  it("refuses a DNS name that resolves to loopback", async () => {
    await expectFailure(fetcher.fetch("https://localhost/jwks"), "forbidden_address");
  });

  it("refuses http, other schemes, relative URLs and URLs with credentials", async () => {
    for (const url of ["http://example.com/jwks", "file:///etc/passwd", "ftp://example.com/", "/jwks", "https://user:pass@example.com/"]) {
      await expectFailure(fetcher.fetch(url), "invalid_url");
    }
  });
});

describe("SafeFetcher against a local server (fetchAllowPrivate=true, corpus S115)", () => {
  let server: LocalServer;
  const fetcher = fetcherWith({ fetchAllowPrivate: "true" });

  before(async () => {
    server = await startLocalServer((request, response) => {
      switch (request.url) {
        case "/json":
          response.writeHead(200, { "content-type": "application/json" }).end('{"keys":[]}');
          return;
        case "/not-json":
          response.writeHead(200).end("<html>");
          return;
        case "/big-declared":
          response.writeHead(200, { "content-length": "4096" }).end("x".repeat(4096));
          return;
        case "/big-streamed":
          response.writeHead(200);
          for (let i = 0; i < 64; i++) response.write("x".repeat(512));
          response.end();
          return;
        case "/redirect":
          response.writeHead(302, { location: "/json" }).end();
          return;
        case "/missing":
          response.writeHead(404).end();
          return;
        case "/echo-form": {
          const chunks: Buffer[] = [];
          request.on("data", (chunk: Buffer) => chunks.push(chunk));
          request.on("end", () =>
            response.writeHead(200, { "content-type": "text/plain" }).end(`${request.method} ${request.headers["content-type"]} ${Buffer.concat(chunks).toString()}`),
          );
          return;
        }
        case "/drip":
          response.writeHead(200);
          response.write("{");
          return; // never ends
        default:
          return; // never answers
      }
    });
  });
  after(() => server.close());

  it("fetches and parses JSON", async () => {
    assert.deepEqual(await fetcher.fetchJson(`${server.url}/json`), { keys: [] });
    const response = await fetcher.fetch(`${server.url}/json`);
    assert.equal(response.status, 200);
    assert.equal(response.contentType, "application/json");
  });

  it("reports a body that is not JSON", async () => {
    await expectFailure(fetcher.fetchJson(`${server.url}/not-json`), "invalid_json");
  });

  it("caps the body: by Content-Length and while streaming", async () => {
    await expectFailure(fetcher.fetch(`${server.url}/big-declared`), "too_large");
    await expectFailure(fetcher.fetch(`${server.url}/big-streamed`), "too_large");
  });

  it("does not follow redirects", async () => {
    const before = server.hits.length;
    await expectFailure(fetcher.fetch(`${server.url}/redirect`), "redirect");
    assert.deepEqual(server.hits.slice(before), ["/redirect"]);
  });

  it("treats a non-2xx answer as a failure", async () => {
    await expectFailure(fetcher.fetch(`${server.url}/missing`), "status");
  });

  it("times out a server that never answers and one that drips, within fetchTimeout", async () => {
    for (const path of ["/hang", "/drip"]) {
      const started = Date.now();
      await expectFailure(fetcher.fetch(`${server.url}${path}`), "timeout");
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250 && elapsed < 1500, `${path} took ${elapsed} ms`);
    }
  });

  it("connects to the address it vetted: the host name is resolved once and never again (DNS rebinding)", async () => {
    const answers = ["127.0.0.1", "10.66.66.66"];
    const lookup = mock.method(dns, "lookup", async () => [{ address: answers.shift()!, family: 4 }]);
    syncBuiltinESMExports();
    try {
      const port = new URL(server.url).port;
      assert.deepEqual(await fetcher.fetchJson(`http://rebind.invalid:${port}/json`), { keys: [] });
      assert.equal(lookup.mock.callCount(), 1);
    } finally {
      lookup.mock.restore();
      syncBuiltinESMExports();
    }
  });

  it("POSTs a form under the same rules, bounded by the caller's timeout", async () => {
    const response = await fetcher.postForm(`${server.url}/echo-form`, { logout_token: "a.b c", x: "1&2" });
    assert.equal(response.body.toString(), "POST application/x-www-form-urlencoded logout_token=a.b+c&x=1%262");
    await expectFailure(fetcher.postForm(`${server.url}/redirect`, {}), "redirect");
    await expectFailure(fetcher.postForm(`${server.url}/missing`, {}), "status");
    await expectFailure(fetcherWith({ fetchAllowPrivate: "false" }).postForm(`${server.url}/echo-form`, {}), "invalid_url");
    await assert.rejects(fetcher.postForm(`${server.url}/hang`, {}, 100), (error: unknown) => {
      assert.ok(error instanceof SafeFetchError && error.reason === "timeout");
      assert.match(error.message, / exceeded 100 ms$/, "the caller's timeout, not fetchTimeout, bounds the POST");
      return true;
    });
  });

  it("reports a refused connection as a network failure", async () => {
    const closed = await startLocalServer(() => {});
    await closed.close();
    await expectFailure(fetcher.fetch(`${closed.url}/json`), "network");
  });
});
