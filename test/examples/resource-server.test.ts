import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { athOf, DpopTestKey } from "../support/dpop.js";
import { spawnServer, type SpawnedServer } from "../support/spawned-server.js";
import { basic, freePort, startTestApp, type TestApp } from "../support/test-app.js";
import { createTestPki, LOOPBACK_SERVER_EXTENSIONS, opensslMissing, type TestIdentity, type TestPki } from "../support/test-pki.js";
import { http1Request } from "../support/tls-client.js";

const RESOURCE = "https://api.example.test/";
/** How long a test waits for the example to print something. */
const OUTPUT_DEADLINE_MS = 15_000;
/** How often a test looks at the example's output or retries a request while waiting for a condition. */
const POLL_MS = 20;

/** Resolves once `example` has printed `line` at least `times` times; fails after the deadline. */
async function printedBy(example: SpawnedServer, line: string, times: number): Promise<void> {
  const deadline = Date.now() + OUTPUT_DEADLINE_MS;
  while (example.output().split(line).length - 1 < times) {
    if (Date.now() > deadline) throw new Error(`the example did not print "${line}" ×${times}:\n${example.output()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** examples/resource-server (README "Validate tokens in a resource server") against a real Portcullis (RFC 6750 §3). */
describe("examples/resource-server", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-example-rs-"));
  let portcullis: TestApp;
  let overrides: Record<string, string>;
  let example: SpawnedServer;
  let app: { client_id: string; client_secret?: string };

  before(async () => {
    const port = await freePort();
    overrides = { port: String(port), issuer: `http://127.0.0.1:${port}`, grpcPort: String(await freePort()), databaseUrl: `sqlite:${join(dir, "portcullis.db")}` };
    portcullis = await startTestApp(overrides);
    await portcullis.createResource(RESOURCE, "api:read api:write");
    const caller = await portcullis.createClient({ client_name: "example resource server", grant_types: ["client_credentials"], scope: "portcullis:validate" });
    app = await portcullis.createClient({ client_name: "app", grant_types: ["client_credentials"] });
    example = await spawnServer(
      {
        PORTCULLIS_GRPC: `127.0.0.1:${overrides.grpcPort}`,
        PORTCULLIS_ISSUER: portcullis.issuer,
        CALLER_ID: caller.client_id,
        CALLER_SECRET: caller.client_secret!,
        RESOURCE,
        RECONNECT_DELAY_MS: "50",
      },
      ["node", "--import", "tsx", "examples/resource-server/server.ts"],
    );
    await printed("revocation stream subscribed", 1);
  });
  after(async () => {
    await example?.stop();
    await portcullis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const printed = (line: string, times: number) => printedBy(example, line, times);

  async function accessToken(scope: string): Promise<string> {
    const response = await portcullis.postForm("/token", { grant_type: "client_credentials", scope }, basic(app.client_id, app.client_secret!));
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { access_token: string }).access_token;
  }

  const call = (headers: Record<string, string> = {}) => fetch(`${example.url}/things`, { headers });

  it("serves a request with a bearer token for the resource and its scope", async () => {
    const response = await call({ authorization: `Bearer ${await accessToken("api:read")}` });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { subject: app.client_id, scopes: ["api:read"] });
  });

  it("answers 401 with Bearer and DPoP challenges without a token, 401 invalid_token for a bad one, 400 for a malformed header", async () => {
    const missing = await call();
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get("www-authenticate"), 'Bearer, DPoP algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA Ed25519"');
    const invalid = await call({ authorization: "Bearer not-a-token" });
    assert.equal(invalid.status, 401);
    assert.match(invalid.headers.get("www-authenticate")!, /^Bearer error="invalid_token", error_description="[^"]+"$/);
    assert.equal(((await invalid.json()) as { error: string }).error, "invalid_token");
    const malformed = await call({ authorization: "Bearer a b" });
    assert.equal(malformed.status, 400);
    assert.match(malformed.headers.get("www-authenticate")!, /^Bearer error="invalid_request"/);
  });

  it("answers 403 insufficient_scope, naming the required scope, for a token without api:read", async () => {
    const response = await call({ authorization: `Bearer ${await accessToken("api:write")}` });
    assert.equal(response.status, 403);
    assert.match(response.headers.get("www-authenticate")!, /^Bearer error="insufficient_scope", error_description="[^"]+", scope="api:read"$/);
  });

  it("serves a DPoP-bound token with a fresh proof for the request, and refuses a replayed proof and the token sent as Bearer (RFC 9449 §7)", async () => {
    const key = new DpopTestKey();
    const issued = await portcullis.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, { ...basic(app.client_id, app.client_secret!), dpop: key.proof("POST", `${portcullis.issuer}/token`, Date.now()) });
    const { access_token: token, token_type } = (await issued.json()) as { access_token: string; token_type: string };
    assert.equal(token_type, "DPoP");
    // The example's public URL is http://localhost:<port> (its PUBLIC_URL default): proofs are made for it, whatever address the request went to.
    const htu = `http://localhost:${new URL(example.url).port}/things`;
    const proof = key.proof("GET", htu, Date.now(), { ath: athOf(token) });
    const served = await call({ authorization: `DPoP ${token}`, dpop: proof });
    assert.equal(served.status, 200, await served.clone().text());
    assert.deepEqual(await served.json(), { subject: app.client_id, scopes: ["api:read"] });
    const replayed = await call({ authorization: `DPoP ${token}`, dpop: proof });
    assert.equal(replayed.status, 401);
    assert.match(replayed.headers.get("www-authenticate")!, /^DPoP error="invalid_dpop_proof"/);
    const asBearer = await call({ authorization: `Bearer ${token}` });
    assert.equal(asBearer.status, 401);
    assert.match(asBearer.headers.get("www-authenticate")!, /error="invalid_token"/);
  });

  it("refuses a token revoked at /revoke within one second, through the WatchRevocations eviction", async () => {
    const token = await accessToken("api:read");
    const { jti } = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { jti: string };
    assert.equal((await call({ authorization: `Bearer ${token}` })).status, 200);
    assert.equal((await call({ authorization: `Bearer ${token}` })).status, 200, "now cached for up to a minute");
    const revoked = await portcullis.postForm("/revoke", { token }, basic(app.client_id, app.client_secret!));
    assert.equal(revoked.status, 200);
    const deadline = performance.now() + 1000;
    let status = 200;
    while (status === 200 && performance.now() < deadline) status = (await call({ authorization: `Bearer ${token}` })).status;
    assert.equal(status, 401, "still accepted one second after the revocation");
    assert.ok(example.output().includes(`revoked token ${jti}`), "the example was told by the revocation stream");
  });

  it("fails closed with 503 and Retry-After while Portcullis is down, and keeps working once it is back", async () => {
    const token = await accessToken("api:read");
    assert.equal((await call({ authorization: `Bearer ${token}` })).status, 200);
    await portcullis.stop();
    await printed("revocation stream down", 1);
    const down = await call({ authorization: `Bearer ${token}` });
    assert.equal(down.status, 503);
    assert.equal(down.headers.get("retry-after"), "1");
    assert.equal(((await down.json()) as { error: string }).error, "temporarily_unavailable");
    portcullis = await startTestApp(overrides);
    await printed("revocation stream subscribed", 2);
    assert.equal((await call({ authorization: `Bearer ${token}` })).status, 200);
    assert.equal((await call({ authorization: `Bearer ${await accessToken("api:read")}` })).status, 200);
  });
});

/** examples/resource-server on TLS with certificate-bound tokens from Portcullis's mTLS listener (RFC 8705 §3, corpus G47). */
describe("examples/resource-server with mutual TLS", { skip: opensslMissing() }, () => {
  let pki: TestPki;
  let portcullis: TestApp;
  let example: SpawnedServer;
  let certA: TestIdentity;
  let certB: TestIdentity;
  let client: { client_id: string };

  before(async () => {
    pki = createTestPki();
    const server = pki.issue("server", LOOPBACK_SERVER_EXTENSIONS);
    certA = pki.issue("client-a", ["subjectAltName=DNS:workload.example.com"]);
    certB = pki.issue("client-b", ["subjectAltName=DNS:workload.example.com"]);
    portcullis = await startTestApp({ publicTlsCert: server.certPath, publicTlsKey: server.keyPath, publicTlsClientCa: pki.ca.certPath, publicMtlsPort: String(await freePort()), grpcPort: String(await freePort()) });
    await portcullis.createResource(RESOURCE, "api:read");
    const caller = await portcullis.createClient({ client_name: "example resource server", grant_types: ["client_credentials"], scope: "portcullis:validate" });
    client = await portcullis.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_dns: "workload.example.com", tls_client_certificate_bound_access_tokens: true });
    example = await spawnServer(
      {
        PORTCULLIS_GRPC: new URL(portcullis.grpcUrl).host,
        PORTCULLIS_ISSUER: portcullis.issuer,
        NODE_EXTRA_CA_CERTS: pki.ca.certPath,
        CALLER_ID: caller.client_id,
        CALLER_SECRET: caller.client_secret!,
        RESOURCE,
        TLS_CERT: server.certPath,
        TLS_KEY: server.keyPath,
      },
      ["node", "--import", "tsx", "examples/resource-server/server.ts"],
    );
    await printedBy(example, "revocation stream subscribed", 1);
  });
  after(async () => {
    await example?.stop();
    await portcullis?.stop();
    pki?.dispose();
  });

  const withCertificate = (identity: TestIdentity | undefined) => ({ ca: pki.ca.cert, ...(identity && { cert: identity.cert, key: identity.key }) });

  it("a token bound to certificate A over mTLS is served with A, and refused with B or without a certificate (401 invalid_token)", async () => {
    const issued = await http1Request(`${portcullis.mtlsUrl}/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `grant_type=client_credentials&scope=api%3Aread&client_id=${client.client_id}`, tls: withCertificate(certA) });
    assert.equal(issued.status, 200, issued.body);
    const token = String(issued.json().access_token);
    const url = `${example.url.replace("http:", "https:")}/things`;
    const call = (identity: TestIdentity | undefined) => http1Request(url, { headers: { authorization: `Bearer ${token}` }, tls: withCertificate(identity) });
    const served = await call(certA);
    assert.equal(served.status, 200, served.body);
    assert.deepEqual(served.json(), { subject: client.client_id, scopes: ["api:read"] });
    for (const identity of [certB, undefined]) {
      const refused = await call(identity);
      assert.equal(refused.status, 401);
      assert.match(String(refused.headers["www-authenticate"]), /^Bearer error="invalid_token"/);
    }
  });
});
