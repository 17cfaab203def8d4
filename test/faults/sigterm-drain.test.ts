import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sleep } from "../support/fault-requirements.js";
import { spawnServer, type SpawnedServer } from "../support/spawned-server.js";
import { basic, startTestApp } from "../support/test-app.js";

/**
 * Corpus S111: SIGTERM to the real server process (`node src/main.ts`, SQLite file) under steady load from this process:
 * intake stops, requests accepted before the signal (slow uploads included) are answered, the process exits 0 within 10 s.
 */
const API = "https://api.example.test/";
const WORKERS = 16;
const DRAIN_LIMIT_MS = 10_000;

interface Outcome {
  startedAt: number;
  status?: number;
  error?: string;
}

describe("S111: SIGTERM under load", () => {
  let dir: string;
  let server: SpawnedServer;
  let headers: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "portcullis-drain-"));
    const databaseUrl = `sqlite:${join(dir, "db.sqlite")}`;
    const seed = await startTestApp({ databaseUrl });
    await seed.createResource(API, "api:read");
    const client = await seed.createClient({ grant_types: ["client_credentials"] });
    await seed.stop();
    headers = { "content-type": "application/x-www-form-urlencoded", ...basic(client.client_id, client.client_secret!) };
    server = await spawnServer({ DATABASE_URL: databaseUrl }, [process.execPath, "--import", "tsx", "src/main.ts"]);
  });
  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const BODY = "grant_type=client_credentials&scope=api%3Aread";
  /** A token request whose body arrives in two parts: the second only when `finish` is called (an upload in flight). */
  const slowRequest = () => {
    let finish = () => {};
    const answered = new Promise<Outcome>((resolve) => {
      const url = new URL(`${server.url}/token`);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...headers, "content-length": String(BODY.length) } }, (res) => {
        res.resume();
        res.on("end", () => resolve({ startedAt: 0, status: res.statusCode }));
      });
      req.on("error", (error) => resolve({ startedAt: 0, error: error.message }));
      req.write(BODY.slice(0, 10));
      finish = () => req.end(BODY.slice(10));
    });
    return { answered, finish: () => finish() };
  };

  test("readiness and intake stop, in-flight requests are answered, zero failures among those sent before the signal, exit 0 within 10 s", { timeout: 60_000 }, async (ctx) => {
    const outcomes: Outcome[] = [];
    let signalledAt = Infinity;
    const load = async () => {
      for (;;) {
        const outcome: Outcome = { startedAt: performance.now() };
        outcomes.push(outcome);
        try {
          const res = await fetch(`${server.url}/token`, { method: "POST", body: BODY, headers });
          outcome.status = res.status;
          await res.arrayBuffer();
        } catch (error) {
          outcome.error = String((error as Error).cause ?? error);
          if (performance.now() > signalledAt) return;
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, load);
    const uploads = [slowRequest(), slowRequest(), slowRequest()];
    await sleep(1500);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    await ready.arrayBuffer();

    signalledAt = performance.now();
    process.kill(server.pid, "SIGTERM");
    await sleep(300);
    const refused = await fetch(`${server.url}/readyz`).then(
      (res) => `readiness ${res.status}`,
      (error: Error) => String(error.cause ?? error),
    );
    assert.doesNotMatch(refused, /readiness 200/, "readiness no longer says ready");
    for (const upload of uploads) upload.finish();
    const slow = await Promise.all(uploads.map((upload) => upload.answered));
    const code = await server.exited;
    const drainedMs = performance.now() - signalledAt;
    await Promise.all(workers);

    const before = outcomes.filter((o) => o.startedAt < signalledAt);
    const failed = before.filter((o) => o.status !== 200);
    ctx.diagnostic(`${before.length} requests sent before SIGTERM, ${failed.length} failed; ${outcomes.length - before.length} after; drained and exited in ${Math.round(drainedMs)} ms; after the signal: ${refused}`);
    assert.ok(before.length > WORKERS * 2, `steady load: only ${before.length} requests before the signal`);
    assert.deepEqual(failed, [], "every request sent before the signal was answered 200");
    assert.deepEqual(slow.map((o) => o.status), [200, 200, 200], `uploads in flight at the signal: ${JSON.stringify(slow)}`);
    assert.equal(code, 0, `exit code ${code}:\n${server.output()}`);
    assert.ok(drainedMs < DRAIN_LIMIT_MS, `drained in ${Math.round(drainedMs)} ms`);
    assert.ok(outcomes.some((o) => o.startedAt > signalledAt && o.error), "intake stopped: requests after the signal are refused");
  });
});
