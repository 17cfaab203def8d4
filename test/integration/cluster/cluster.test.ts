import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { TokenValidationService, type WatchRevocationsResponse } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { serverStreamCall } from "../../../src/resource-server/grpc-call.js";
import { DpopTestKey } from "../../support/dpop.js";
import { HttpBrowser } from "../../support/http-browser.js";
import { formBody } from "../../support/oauth-assertions.js";
import { createScratchDatabase } from "../../support/scratch-database.js";
import { cli, cliJson, spawnServer, type SpawnedServer } from "../../support/spawned-server.js";
import { basic } from "../../support/test-app.js";
import { serviceUrl } from "../storage/services.js";
import { growth, onNewConnection, perWorker, workerPids } from "./cluster-probe.js";

interface Client {
  client_id: string;
  client_secret: string;
}

const CB = "https://app.example.test/cb";
const PKCE = { code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256", code_verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" };
/** Failed client authentications that lock a client (and an IP) in the suites below. */
const AUTH_FAILURE_LIMIT = 4;
const CLUSTER_ENV = { WORKERS: "2", LOG_LEVEL: "info", AUTH_FAILURE_LIMIT: String(AUTH_FAILURE_LIMIT) };

interface Cluster {
  server: SpawnedServer;
  /** What the CLI needs to reach the same database. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Both workers served some of `requests` (by their own metrics): the proof that a test crossed workers. */
function assertBothWorkers(grown: Map<string, number>, requests: number): void {
  assert.equal([...grown.values()].reduce((a, b) => a + b, 0), requests, `every request counted once: ${JSON.stringify([...grown])}`);
  for (const worker of ["1", "2"]) assert.ok((grown.get(worker) ?? 0) > 0, `worker ${worker} served none of ${requests}: ${JSON.stringify([...grown])}`);
}

/**
 * Issue 11 item 3: WORKERS=2 on one machine. Every request below opens its own connection, which the cluster hands to
 * the workers in turn, and the workers' own metrics show that both took part; the shared state must hold across them.
 */
function clusterSuite(name: string, open: () => Promise<Cluster>): void {
  describe(name, () => {
    let cluster: Cluster;
    let server: SpawnedServer;
    let machine: Client;
    before(async () => {
      cluster = await open();
      server = cluster.server;
      machine = await cliJson<Client>(cluster.env, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials"], scope: "portcullis:validate" }));
    });
    after(() => cluster.close());

    const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}, localAddress?: string) =>
      onNewConnection(`${server.url}${path}`, { method: "POST", body: formBody(form), headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, localAddress });
    const tokenCount = () => perWorker(server, "portcullis_http_requests_total", { endpoint: "/token" });

    test("the start-up line says how many workers run, and requests are spread over both", async () => {
      assert.match(server.output(), /listening on .*; 2 worker processes \(ephemeral state in (this primary process|Redis)\)/);
      const before = await perWorker(server, "portcullis_http_requests_total", { endpoint: "/.well-known/openid-configuration" });
      for (let i = 0; i < 10; i++) assert.equal((await onNewConnection(`${server.url}/.well-known/openid-configuration`)).status, 200);
      assertBothWorkers(growth(before, await perWorker(server, "portcullis_http_requests_total", { endpoint: "/.well-known/openid-configuration" })), 10);
    });

    test("one authorization code redeemed 20 times at once across workers: exactly one 200", async () => {
      const username = `alice${randomInt(1e9)}`;
      assert.equal((await cli(cluster.env, "user", "create", "--username", username, "--password", "alice-password-1")).code, 0);
      const rp = await cliJson<Client>(cluster.env, "client", "create", "--json", JSON.stringify({ redirect_uris: [CB], grant_types: ["authorization_code"], response_types: ["code"], scope: "openid" }));
      const query = new URLSearchParams({ client_id: rp.client_id, response_type: "code", redirect_uri: CB, scope: "openid", state: "s", code_challenge: PKCE.code_challenge, code_challenge_method: "S256" });
      const { location } = await new HttpBrowser().authorize(`${server.url}/authorize?${query}`, server.url, { credentials: { username, password: "alice-password-1" }, consent: "approve" });
      const code = location?.searchParams.get("code");
      assert.ok(code, `a code at the client: ${location}`);
      const before = await tokenCount();
      const form = { grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: PKCE.code_verifier };
      const responses = await Promise.all(Array.from({ length: 20 }, () => post("/token", form, basic(rp.client_id, rp.client_secret))));
      assertBothWorkers(growth(before, await tokenCount()), 20);
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, ...Array<number>(19).fill(400)]);
      for (const r of responses.filter((r) => r.status === 400)) assert.equal((JSON.parse(r.body) as { error: string }).error, "invalid_grant");
    });

    test("one DPoP proof sent 10 times at once across workers: exactly one token", async () => {
      const proof = new DpopTestKey().proof("POST", `${server.url}/token`, Date.now());
      const before = await tokenCount();
      const responses = await Promise.all(Array.from({ length: 10 }, () => post("/token", { grant_type: "client_credentials" }, { ...basic(machine.client_id, machine.client_secret), dpop: proof })));
      assertBothWorkers(growth(before, await tokenCount()), 10);
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, ...Array<number>(9).fill(400)]);
      for (const r of responses.filter((r) => r.status === 400)) assert.equal((JSON.parse(r.body) as { error: string }).error, "invalid_dpop_proof");
    });

    test("failed client authentications are counted across workers: locked after exactly AUTH_FAILURE_LIMIT", async () => {
      const victim = await cliJson<Client>(cluster.env, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials"] }));
      // A source address of its own, so the per-IP lock touches no other test.
      const from = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
      const before = await tokenCount();
      const statuses: number[] = [];
      for (let i = 0; i < AUTH_FAILURE_LIMIT * 2; i++) statuses.push((await post("/token", { grant_type: "client_credentials" }, basic(victim.client_id, "wrong-secret"), from)).status);
      assertBothWorkers(growth(before, await tokenCount()), AUTH_FAILURE_LIMIT * 2);
      assert.deepEqual(statuses, [...Array<number>(AUTH_FAILURE_LIMIT).fill(401), ...Array<number>(AUTH_FAILURE_LIMIT).fill(429)]);
    });

    test("a revocation made through one worker reaches WatchRevocations streams on both workers", async () => {
      const token = async (client: Client) => {
        const response = await post("/token", { grant_type: "client_credentials" }, basic(client.client_id, client.client_secret));
        assert.equal(response.status, 200, response.body);
        return (JSON.parse(response.body) as { access_token: string }).access_token;
      };
      const caller = await token(machine);
      const watchCount = () => perWorker(server, "portcullis_rpc_requests_total", { method: "portcullis.validation.v1.TokenValidationService/WatchRevocations" });
      const before = await watchCount();
      // Four streams, each on its own HTTP/2 connection (a local subchannel pool per client).
      const clients = Array.from({ length: 4 }, () => new grpc.Client(new URL(server.grpcUrl).host, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 }));
      const streams = clients.map((client) => {
        const metadata = new grpc.Metadata();
        metadata.set("authorization", `Bearer ${caller}`);
        return serverStreamCall(client, TokenValidationService.method.watchRevocations, {}, metadata);
      });
      const next = (stream: (typeof streams)[number]) => new Promise<WatchRevocationsResponse>((resolve, reject) => {
        stream.once("data", resolve);
        stream.once("error", reject);
      });
      for (const subscribed of await Promise.all(streams.map(next))) assert.equal(subscribed.subscribed, true);
      assertBothWorkers(growth(before, await watchCount()), 4);

      const revoked = await token(machine);
      const events = Promise.all(streams.map(next));
      const beforeRevoke = await perWorker(server, "portcullis_http_requests_total", { endpoint: "/revoke" });
      assert.equal((await post("/revoke", { token: revoked }, basic(machine.client_id, machine.client_secret))).status, 200);
      const revokedBy = [...growth(beforeRevoke, await perWorker(server, "portcullis_http_requests_total", { endpoint: "/revoke" }))].filter(([, n]) => n > 0);
      assert.equal(revokedBy.length, 1, "one worker served the revocation");
      const jti = (JSON.parse(Buffer.from(revoked.split(".")[1]!, "base64url").toString()) as { jti: string }).jti;
      for (const event of await events) assert.deepEqual([event.kind, event.id], ["token", jti]);
      for (const stream of streams) stream.cancel();
      for (const client of clients) client.close();
    });
  });
}

/** Waits until `condition` holds (at most 30 s). */
async function until(condition: () => boolean, server: SpawnedServer): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    assert.ok(waited < 30_000, `waited 30 s in vain:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A two-worker server on a fresh SQLite file, without Redis: the primary holds the ephemeral state. Run by node itself, so the primary is the process the test signals. */
async function sqliteCluster(): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-cluster-"));
  const env = { DATABASE_URL: `sqlite:${join(dir, "portcullis.db")}` };
  const server = await spawnServer({ ...env, ...CLUSTER_ENV }, [process.execPath, "--import", "tsx", "src/main.ts"]);
  return {
    server,
    env,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

clusterSuite("WORKERS=2 on SQLite without Redis (state in the primary)", sqliteCluster);

describe("WORKERS=2: a dying worker and SIGTERM", () => {
  let cluster: Cluster;
  before(async () => (cluster = await sqliteCluster()));
  after(() => cluster.close());

  test("a killed worker is replaced, logged, and the service goes on", async () => {
    const { server } = cluster;
    await until(() => workerPids(server).size === 2, server);
    const pids = workerPids(server);
    process.kill(pids.get("2")!, "SIGKILL");
    // A connection handed to a worker in the instant it dies is lost with it (as with any crashed process); once the
    // primary has seen the death, every new connection goes to the live worker until the replacement listens.
    await until(() => server.output().includes("worker died"), server);
    for (let i = 0; i < 6; i++) assert.equal((await onNewConnection(`${server.url}/.well-known/openid-configuration`)).status, 200, "served while worker 2 is gone");
    await until(() => workerPids(server).get("2") !== pids.get("2"), server);
    assert.match(server.output(), /"worker":2,"pid":\d+,"code":null,"signal":"SIGKILL".*"msg":"worker died; starting a replacement"/);
    const metric = "portcullis_http_requests_total";
    const labels = { endpoint: "/.well-known/openid-configuration" };
    const before = await perWorker(server, metric, labels);
    for (let i = 0; i < 10; i++) assert.equal((await onNewConnection(`${server.url}/.well-known/openid-configuration`)).status, 200);
    assertBothWorkers(growth(before, await perWorker(server, metric, labels)), 10);
  });

  test("SIGTERM to the primary drains every worker: a request in progress completes, the primary exits 0", async () => {
    const { server } = cluster;
    const machine = await cliJson<Client>(cluster.env, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials"] }));
    const body = formBody({ grant_type: "client_credentials" });
    // The request's head and half its body are on the wire before SIGTERM; the rest after.
    const { request } = await import("node:http");
    const url = new URL(`${server.url}/token`);
    const response = new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length), ...basic(machine.client_id, machine.client_secret) } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 1500);
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.kill(server.pid, "SIGTERM");
    assert.equal(await response, 200, "the request in progress completed");
    assert.equal(await server.exited, 0, server.output());
    for (const line of ["primary: SIGTERM: draining", "worker 1: primary: draining", "worker 2: primary: draining"]) assert.ok(server.output().includes(line), `${line}\n${server.output()}`);
    const afterSignal = server.output().slice(server.output().indexOf("primary: SIGTERM"));
    assert.doesNotMatch(afterSignal, /worker died|replacement/, "a draining worker is not replaced");
  });
});

test("WORKERS=2: a worker that cannot start fails the whole start with its reason, exit code 1", async () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-cluster-"));
  try {
    const start = spawnServer({ DATABASE_URL: `sqlite:${join(dir, "portcullis.db")}`, WORKERS: "2", PLUGINS: join(dir, "missing-plugin.js") }, [process.execPath, "--import", "tsx", "src/main.ts"]);
    await assert.rejects(start, (error: Error) => {
      assert.match(error.message, /server exited with 1/);
      assert.match(error.message, /missing-plugin\.js/, "the worker's own reason");
      assert.match(error.message, /Portcullis failed to start: worker [12] exited \(code 1\) before it was listening/);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const mysqlUrl = serviceUrl("MYSQL_URL", "WORKERS=2 sharing MariaDB and Redis");
const redisUrl = mysqlUrl ? serviceUrl("REDIS_URL", "WORKERS=2 sharing MariaDB and Redis") : undefined;
if (mysqlUrl && redisUrl) {
  clusterSuite("WORKERS=2 sharing MariaDB and Redis", async () => {
    const db = await createScratchDatabase(mysqlUrl, "portcullis_cluster");
    const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl };
    const server = await spawnServer({ ...env, ...CLUSTER_ENV });
    return {
      server,
      env,
      async close() {
        await server.stop();
        await db.drop();
      },
    };
  });
}
