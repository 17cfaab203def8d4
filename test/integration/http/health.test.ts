import assert from "node:assert/strict";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import { DI } from "../../../src/core/di-tokens.js";
import { createScratchDatabase } from "../../support/scratch-database.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { serviceUrl } from "../storage/services.js";

/** Liveness (/healthz) and readiness (/readyz), healthy and with each dependency gone (README "Health endpoints"). */
type Readiness = { status: string; checks: Record<string, string> };

async function probe(t: TestApp, path: string): Promise<{ status: number; body: Readiness; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${t.publicUrl}${path}`);
  return { status: res.status, body: (await res.json()) as Readiness, ms: performance.now() - started };
}

const READY = { status: "ready", checks: { database: "ok", ephemeral: "ok", signingKeys: "ok" } };

/** Asserts a 503 naming `check` within the readiness bound, with a short reason and no error detail. */
async function assertNotReady(t: TestApp, check: string, reasons: readonly string[]): Promise<void> {
  const { status, body, ms } = await probe(t, "/readyz");
  assert.equal(status, 503);
  assert.equal(body.status, "not_ready");
  assert.ok(reasons.includes(body.checks[check]!), `${check}: ${body.checks[check]}`);
  assert.deepEqual(Object.keys(body.checks).sort(), ["database", "ephemeral", "signingKeys"]);
  assert.ok(ms < 2500, `took ${Math.round(ms)} ms`);
  assert.ok(JSON.stringify(body).length < 120, "no error detail in the body");
}

/** Counts the log lines with message `msg`. */
const linesWith = (t: TestApp, msg: string) => t.logText().split("\n").filter((line) => line.includes(`"msg":"${msg}"`)).length;

describe("health endpoints on SQLite and memory", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  test("/healthz is 200 ok and /readyz 200 ready with every check ok; both are never cached", async () => {
    const health = await fetch(`${t.publicUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    assert.equal(health.headers.get("cache-control"), "no-store");
    const ready = await fetch(`${t.publicUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get("cache-control"), "no-store");
    assert.deepEqual(await ready.json(), READY);
    assert.equal((await fetch(`${t.publicUrl}/readyz`, { method: "HEAD" })).status, 200);
    assert.equal((await fetch(`${t.publicUrl}/readyz`, { method: "POST" })).status, 405);
  });

  test("a closed database: /readyz 503 database unavailable, logged once as a warning (never as an error per probe); /healthz stays 200", async () => {
    const broken = await startTestApp();
    try {
      await broken.app.container.resolve(DI.Durable).close();
      await assertNotReady(broken, "database", ["unavailable"]);
      await assertNotReady(broken, "database", ["unavailable"]);
      assert.equal((await probe(broken, "/healthz")).status, 200);
      assert.equal(linesWith(broken, "not ready"), 1);
      assert.ok(!/"level":50[^\n]*"path":"\/readyz"/.test(broken.logText()), "a probe was logged as an error");
    } finally {
      await broken.stop();
    }
  });
});

const mysqlUrl = serviceUrl("MYSQL_URL", "readiness on MariaDB");
if (mysqlUrl) {
  describe("readiness on MariaDB", () => {
    test("ready on a live MariaDB; 503 database unavailable once its pool is closed", async () => {
      const db = await createScratchDatabase(mysqlUrl, "portcullis_ready");
      const t = await startTestApp({ databaseUrl: db.url });
      try {
        assert.deepEqual((await probe(t, "/readyz")).body, READY);
        await t.app.container.resolve(DI.Durable).close();
        await assertNotReady(t, "database", ["unavailable"]);
      } finally {
        await t.stop();
        await db.drop();
      }
    });
  });
}

/** A TCP relay to Redis that can stop relaying: existing connections are cut and new ones accepted but never answered. */
class SeveringProxy {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private severed = false;
  port = 0;

  constructor(private readonly target: URL) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      this.track(client);
      if (this.severed) return; // accepted, never answered: the ping must time out or fail, not hang
      const upstream = this.track(connect(Number(this.target.port || 6379), this.target.hostname));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  sever(): void {
    this.severed = true;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.sever();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => this.sockets.delete(socket));
    return socket;
  }
}

const redisUrl = serviceUrl("REDIS_URL", "readiness on Redis");
if (redisUrl) {
  describe("readiness on Redis", () => {
    let proxy: SeveringProxy;
    let t: TestApp;
    before(async () => {
      proxy = new SeveringProxy(new URL(redisUrl));
      await proxy.start();
      t = await startTestApp({ redisUrl: `redis://127.0.0.1:${proxy.port}` });
    });
    after(async () => {
      await t?.stop();
      await proxy?.close();
    });

    test("ready while Redis answers; 503 ephemeral unavailable or timeout within the bound once it is unreachable", async () => {
      assert.deepEqual((await probe(t, "/readyz")).body, READY);
      proxy.sever();
      await assertNotReady(t, "ephemeral", ["unavailable", "timeout"]);
      assert.equal((await probe(t, "/healthz")).status, 200);
    });
  });
}
