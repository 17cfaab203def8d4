import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sleep } from "../support/fault-requirements.js";
import { spawnServer, type SpawnedServer } from "../support/spawned-server.js";

/**
 * SHUTDOWN_READINESS_DELAY_MS on the real server process (`node src/main.ts`, SQLite file): after SIGTERM, readiness
 * answers 503 `draining` for the delay while other requests are still served, so a balancer probing /readyz takes the
 * node out before its listener goes away; then the usual drain (corpus S111) and exit 0.
 */
const DELAY_MS = 4_000;
const DRAIN_LIMIT_MS = 10_000;

describe("SIGTERM with SHUTDOWN_READINESS_DELAY_MS", () => {
  let dir: string;
  let server: SpawnedServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "portcullis-readiness-delay-"));
    server = await spawnServer({ DATABASE_URL: `sqlite:${join(dir, "db.sqlite")}`, SHUTDOWN_READINESS_DELAY_MS: String(DELAY_MS) }, [process.execPath, "--import", "tsx", "src/main.ts"]);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test("during the delay /readyz and /healthz answer 503 draining while discovery is served; then the drain, exit 0", { timeout: 60_000 }, async () => {
    assert.equal((await get("/readyz")).status, 200);

    const signalledAt = performance.now();
    process.kill(server.pid, "SIGTERM");
    await sleep(300);
    assert.deepEqual(await get("/readyz"), { status: 503, body: { status: "draining" } });
    assert.deepEqual(await get("/healthz"), { status: 503, body: { status: "draining" } });
    const discovery = await get("/.well-known/openid-configuration");
    assert.equal(discovery.status, 200);
    assert.equal(discovery.body.issuer, server.url);
    const servedWithin = performance.now() - signalledAt;
    assert.ok(servedWithin < DELAY_MS, `the requests took until ${Math.round(servedWithin)} ms after the signal, past the delay`);

    const code = await server.exited;
    const exitedAfter = performance.now() - signalledAt;
    assert.equal(code, 0, `exit code ${code}:\n${server.output()}`);
    assert.ok(exitedAfter >= DELAY_MS, `exited ${Math.round(exitedAfter)} ms after the signal, before the delay was over`);
    assert.ok(exitedAfter < DELAY_MS + DRAIN_LIMIT_MS, `exited ${Math.round(exitedAfter)} ms after the signal`);
  });
});
