import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { faultSuiteRuns, waitUntil } from "../support/fault-requirements.js";
import { MARIADB_BINARIES, PrivateMariaDb } from "../support/private-mariadb.js";
import { spawnServer } from "../support/spawned-server.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * A MySQL server that accepts connections and then stops answering (a hung server, a network black hole) is worse than
 * one that is down: without per-query timeouts a request would wait forever. Through a TCP proxy in front of a private
 * MariaDB, every request must still be answered (503 temporarily_unavailable) within a bound, the pool must recover
 * once the server answers again, and a start-up against the black hole must fail with a clear message.
 */
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const API = "https://api.example.test/";
/** Connect (3 s) or query (6 s) timeout, plus the work around it (docs/decisions.md "Database timeouts"). */
const ANSWER_BOUND_MS = 9_000;
const CASE = { timeout: 60_000 };

if (faultSuiteRuns("MySQL black hole (per-query timeouts)", { variables: ["MYSQL_URL"], binaries: MARIADB_BINARIES })) {
  describe("MySQL black hole: connections accepted, nothing answered", () => {
    let db: PrivateMariaDb;
    let proxy: TcpProxy;
    let proxiedUrl: string;
    let t: TestApp;
    let client: { client_id: string };

    before(async () => {
      db = await PrivateMariaDb.start();
      const direct = new URL(await db.createDatabase("black_hole"));
      proxy = new TcpProxy({ host: "127.0.0.1", port: db.port });
      direct.port = String(await proxy.listen());
      proxiedUrl = direct.href;
      t = await startTestApp({ databaseUrl: proxiedUrl, plugins: plugin, refreshTokenTtl: "3600" });
      await t.createResource(API, "api:read");
      client = await t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
    });
    after(async () => {
      await t?.stop();
      await proxy?.close();
      await db?.remove();
    });

    const start = (subject: string) => t.postForm("/token", { grant_type: GRANT, subject, scope: "api:read", client_id: client.client_id });
    const refresh = (token: string) => t.postForm("/token", { grant_type: "refresh_token", refresh_token: token, client_id: client.client_id });
    const refreshTokenOf = async (res: Response) => {
      assert.equal(res.status, 200);
      return ((await res.json()) as { refresh_token: string }).refresh_token;
    };

    test("every request during the black hole is answered 503 temporarily_unavailable + Retry-After within the bound; the pool recovers", CASE, async (ctx) => {
      const tokens = await Promise.all([1, 2, 3, 4].map(async (n) => refreshTokenOf(await start(`user-${n}`))));
      proxy.blackHole();
      const requests: [string, () => Promise<Response>][] = [
        ...tokens.map((token, n): [string, () => Promise<Response>] => [`refresh ${n}`, () => refresh(token)]),
        ["new grant", () => start("user-new")],
        ["another new grant", () => start("user-other")],
      ];
      const answers = await Promise.all(
        requests.map(async ([name, request]) => {
          const started = performance.now();
          const res = await request();
          const ms = performance.now() - started;
          const body = (await res.json()) as { error?: string };
          return { name, status: res.status, error: body.error, retryAfter: res.headers.get("retry-after"), ms };
        }),
      );
      ctx.diagnostic(`answers during the black hole: ${answers.map((a) => `${a.name} ${a.status} in ${Math.round(a.ms)} ms`).join(", ")}`);
      for (const answer of answers) {
        assert.equal(answer.status, 503, `${answer.name}: ${JSON.stringify(answer)}`);
        assert.equal(answer.error, "temporarily_unavailable", answer.name);
        assert.ok(Number(answer.retryAfter) > 0, `${answer.name}: Retry-After ${answer.retryAfter}`);
        assert.ok(answer.ms < ANSWER_BOUND_MS, `${answer.name} took ${Math.round(answer.ms)} ms`);
      }
      const readiness = await fetch(`${t.publicUrl}/readyz`);
      assert.equal(readiness.status, 503, "readiness reports the hung database");
      await readiness.arrayBuffer();

      proxy.reopen();
      let recovered = false;
      await waitUntil(
        async () => {
          const res = await refresh(tokens[0]!);
          recovered = res.status === 200;
          await res.arrayBuffer();
          return recovered;
        },
        10_000,
        "the pool did not recover by itself",
      );
      assert.ok(recovered);
      assert.equal((await start("user-after")).status, 200);
    });

    test("start-up against the black hole fails with a clear message within the bound (in-process and `node src/main.ts`)", CASE, async () => {
      proxy.blackHole();
      try {
        let started = performance.now();
        await assert.rejects(startTestApp({ databaseUrl: proxiedUrl }), (error: Error) => {
          assert.match(error.message, /database/i);
          return true;
        });
        assert.ok(performance.now() - started < ANSWER_BOUND_MS, `buildApp took ${Math.round(performance.now() - started)} ms to give up`);

        started = performance.now();
        const failure = await spawnServer({ DATABASE_URL: proxiedUrl }, [process.execPath, "--import", "tsx", "src/main.ts"]).then(
          async (server) => {
            await server.stop();
            return "it started";
          },
          (error: Error) => error.message,
        );
        const ms = performance.now() - started;
        assert.match(failure, /server exited with 1/);
        assert.match(failure, /Portcullis cannot start: the database \(DATABASE_URL\) is unavailable: /);
        assert.doesNotMatch(failure, /\n\s+at /, "a clear message, not a stack trace");
        assert.ok(ms < ANSWER_BOUND_MS + 5_000, `the server took ${Math.round(ms)} ms to give up`);
      } finally {
        proxy.reopen();
      }
    });
  });
}
