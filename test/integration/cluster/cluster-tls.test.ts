import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { formBody } from "../../support/oauth-assertions.js";
import { cliJson, spawnServer, type SpawnedServer } from "../../support/spawned-server.js";
import { basic, freePort } from "../../support/test-app.js";
import { createTestPki, LOOPBACK_SERVER_EXTENSIONS, opensslMissing, type TestPki } from "../../support/test-pki.js";
import { http1Request, http2Request } from "../../support/tls-client.js";
import { growth, perWorker } from "./cluster-probe.js";

const missing = opensslMissing();

/**
 * Issue 11 item 3 with the public TLS listener (PUBLIC_TLS_CERT/KEY): every worker serves HTTPS with ALPN h2 and
 * http/1.1 on the shared port, and tokens issued through one worker are introspected through the other.
 */
describe("WORKERS=2 with the TLS public listener", { skip: missing }, () => {
  let pki: TestPki;
  let dir: string;
  let server: SpawnedServer;
  let issuer: string;
  before(async () => {
    pki = createTestPki();
    const certificate = pki.issue("server", LOOPBACK_SERVER_EXTENSIONS);
    dir = mkdtempSync(join(tmpdir(), "portcullis-cluster-tls-"));
    const port = await freePort();
    issuer = `https://127.0.0.1:${port}`;
    server = await spawnServer({ DATABASE_URL: `sqlite:${join(dir, "portcullis.db")}`, WORKERS: "2", LOG_LEVEL: "info", PORT: String(port), ISSUER: issuer, PUBLIC_TLS_CERT: certificate.certPath, PUBLIC_TLS_KEY: certificate.keyPath }, [process.execPath, "--import", "tsx", "src/main.ts"]);
  });
  after(async () => {
    await server?.stop();
    pki?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const discovery = "/.well-known/openid-configuration";
  const counts = () => perWorker(server, "portcullis_http_requests_total", { endpoint: discovery });

  test("HTTP/1.1 and HTTP/2 over TLS, each request on its own connection, are served by both workers with the https issuer", async () => {
    const before = await counts();
    for (let i = 0; i < 8; i++) {
      const answer = await (i % 2 === 0 ? http1Request : http2Request)(`${issuer}${discovery}`, { tls: { ca: pki.ca.cert } });
      assert.equal(answer.status, 200);
      assert.equal(answer.protocol, i % 2 === 0 ? "http/1.1" : "h2");
      assert.equal(answer.json().issuer, issuer);
    }
    const grown = growth(before, await counts());
    assert.equal([...grown.values()].reduce((a, b) => a + b, 0), 8);
    for (const worker of ["1", "2"]) assert.ok((grown.get(worker) ?? 0) > 0, `worker ${worker} served none: ${JSON.stringify([...grown])}`);
  });

  test("a token issued over TLS through one connection is active when introspected over TLS through the next ones", async () => {
    const client = await cliJson<{ client_id: string; client_secret: string }>({ DATABASE_URL: `sqlite:${join(dir, "portcullis.db")}`, ISSUER: issuer }, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials"], scope: "portcullis:validate" }));
    const headers = { ...basic(client.client_id, client.client_secret), "content-type": "application/x-www-form-urlencoded" };
    const issued = await http2Request(`${issuer}/token`, { method: "POST", headers, body: formBody({ grant_type: "client_credentials" }), tls: { ca: pki.ca.cert } });
    assert.equal(issued.status, 200, issued.body);
    const token = String(issued.json().access_token);
    for (const send of [http1Request, http2Request, http1Request]) {
      const answer = await send(`${issuer}/introspect`, { method: "POST", headers, body: formBody({ token }), tls: { ca: pki.ca.cert } });
      assert.equal(answer.json().active, true);
    }
  });
});
