import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import mysql from "mysql2/promise";
import { secretDigest } from "../../src/core/security/digest.js";
import { UserService } from "../../src/core/users/user.service.js";
import { faultSuiteRuns, sleep, waitUntil } from "../support/fault-requirements.js";
import { authorizeUrl, CALLBACK, codeRedemption, signInForCode } from "../support/code-flow.js";
import { HttpBrowser } from "../support/http-browser.js";
import { MARIADB_BINARIES, PrivateMariaDb } from "../support/private-mariadb.js";
import { PrivateRedis } from "../support/private-redis.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * Corpus S108: a private MariaDB killed (SIGKILL: in-flight transactions roll back at its restart) and restarted while
 * clients redeem codes and refresh tokens. Requests in the outage get 503 + Retry-After within a bound, the pool
 * recovers by itself, a client retrying a code after a 503 gets its tokens, and the invariants hold afterwards: every
 * code consumed has its tokens committed, and every committed grant's code is consumed.
 */
const USER = { username: "restart-user", password: "restart-password-1" };
const CODES = 16;
const WORKERS = 4;
/** Connect (3 s) or query (6 s) timeout, plus the work around it. */
const ANSWER_BOUND_MS = 9_000;

interface Outcome {
  op: "code" | "refresh";
  status: number;
  error?: string;
  retryAfter: string | null;
  ms: number;
}

if (faultSuiteRuns("S108: MariaDB restarted under load", { variables: ["MYSQL_URL", "REDIS_URL"], binaries: ["redis-server", ...MARIADB_BINARIES] })) {
  describe("S108: MariaDB killed and restarted under code and refresh load", () => {
    let db: PrivateMariaDb;
    let redis: PrivateRedis;
    let url: string;
    let t: TestApp;
    let client: { client_id: string; client_secret?: string };

    before(async () => {
      [db, redis] = await Promise.all([PrivateMariaDb.start(), PrivateRedis.start()]);
      url = await db.createDatabase("restart");
      t = await startTestApp({ databaseUrl: url, redisUrl: redis.url, authorizationCodeTtl: "300" });
      await t.app.container.resolve(UserService).create(USER);
      client = await t.createClient({ redirect_uris: [CALLBACK], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], scope: "openid offline_access" });
    });
    after(async () => {
      await t?.stop();
      await Promise.all([db?.remove(), redis?.kill()]);
    });

    const post = async (op: Outcome["op"], form: Record<string, string>, outcomes: Outcome[]) => {
      const started = performance.now();
      const res = await t.postForm("/token", form, basic(client.client_id, client.client_secret!));
      const body = (await res.json()) as { error?: string; refresh_token?: string };
      outcomes.push({ op, status: res.status, error: body.error, retryAfter: res.headers.get("retry-after"), ms: performance.now() - started });
      return { status: res.status, refreshToken: body.refresh_token };
    };
    const codes = async () => {
      const browser = new HttpBrowser();
      const all: string[] = [];
      for (let i = 0; i < CODES; i++) all.push(await signInForCode(authorizeUrl(t.publicUrl, client.client_id, "openid offline_access"), t.issuer, USER, browser));
      return all;
    };

    test("503 within the bound during the outage, recovery without a restart, a code retried after a 503 succeeds once, code/grant invariants hold", { timeout: 120_000 }, async (ctx) => {
      const pending = await codes();
      const outcomes: Outcome[] = [];
      const delivered = new Map<string, string>();

      /** Sends `form` until it is answered other than 503, as RFC 6749 §5.2 temporarily_unavailable invites a client to. */
      const untilAnswered = async (op: Outcome["op"], form: Record<string, string>) => {
        for (;;) {
          const answer = await post(op, form, outcomes);
          if (answer.status !== 503) return answer;
          await sleep(200);
        }
      };
      /** A client: redeems its next code, refreshes once, pauses, and again. */
      const work = async () => {
        for (let code = pending.shift(); code !== undefined; code = pending.shift()) {
          const redeemed = await untilAnswered("code", codeRedemption(code));
          if (redeemed.status !== 200) continue;
          const refreshed = await untilAnswered("refresh", { grant_type: "refresh_token", refresh_token: redeemed.refreshToken! });
          delivered.set(code, refreshed.refreshToken ?? redeemed.refreshToken!);
          await sleep(150);
        }
      };

      const workers = Array.from({ length: WORKERS }, work);
      await waitUntil(async () => delivered.size >= 2, 20_000, "no code redeemed before the outage");
      await db.stop("SIGKILL");
      const outageFrom = outcomes.length;
      await sleep(2_000);
      await db.start();
      const restartedAt = performance.now();
      await waitUntil(async () => outcomes.slice(outageFrom).some((o) => o.status === 200), 20_000, "no request succeeded after MariaDB came back");
      const recoveryMs = performance.now() - restartedAt;
      await Promise.all(workers);

      const summary = JSON.stringify(outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [`${o.op} ${o.status}${o.error ? ` ${o.error}` : ""}`]: (acc[`${o.op} ${o.status}${o.error ? ` ${o.error}` : ""}`] ?? 0) + 1 }), {}));
      ctx.diagnostic(`outcomes: ${summary}; slowest ${Math.round(Math.max(...outcomes.map((o) => o.ms)))} ms; first success ${Math.round(recoveryMs)} ms after MariaDB answered again`);
      assert.ok(outcomes.some((o) => o.status === 503), `the outage was not observed: ${summary}`);
      for (const o of outcomes) {
        assert.ok(o.status === 200 || o.status === 503, `unexpected ${o.status} ${o.error}: ${summary}`);
        if (o.status === 503) assert.ok(o.error === "temporarily_unavailable" && Number(o.retryAfter) > 0, summary);
        assert.ok(o.ms < ANSWER_BOUND_MS, `a request took ${Math.round(o.ms)} ms: ${summary}`);
      }
      assert.equal(delivered.size, CODES, "every code was redeemed, those that met the outage on their retry");

      // Invariants: every code is consumed (gone from Redis, a reuse is invalid_grant) and its grant is committed and live.
      const keys = new Redis(redis.url);
      const sql = await mysql.createConnection(url);
      try {
        for (const [code, refreshToken] of delivered) {
          assert.equal(await keys.exists(`pc:code:${secretDigest(code)}`), 0, "a redeemed code is consumed");
          const [rows] = (await sql.query(
            "SELECT g.revoked_at FROM refresh_tokens rt JOIN grants g ON g.id = rt.grant_id WHERE rt.digest = ? OR rt.id IN (SELECT successor_id FROM refresh_tokens WHERE digest = ?)",
            [secretDigest(refreshToken), secretDigest(refreshToken)],
          )) as unknown as [{ revoked_at: unknown }[]];
          assert.ok(rows.length > 0 && rows.every((row) => row.revoked_at === null), "the tokens of a consumed code are committed and live");
        }
        const [grants] = (await sql.query("SELECT COUNT(*) AS n FROM grants WHERE client_id = ?", [client.client_id])) as unknown as [{ n: number }[]];
        const codeFailures = outcomes.filter((o) => o.op === "code" && o.status === 503).length;
        const orphans = Number(grants[0]!.n) - CODES;
        ctx.diagnostic(`${orphans} grant(s) committed for a redemption whose answer was lost (${codeFailures} code redemptions met the outage)`);
        assert.ok(orphans >= 0 && orphans <= codeFailures, "no grant without a consumed code");
        const [doubled] = (await sql.query("SELECT grant_id FROM refresh_tokens WHERE status = 'active' GROUP BY grant_id HAVING COUNT(*) > 1")) as unknown as [unknown[]];
        assert.deepEqual(doubled, [], "no grant has two active refresh tokens");
        const [broken] = (await sql.query("SELECT rt.id FROM refresh_tokens rt LEFT JOIN refresh_tokens s ON s.id = rt.successor_id WHERE rt.status = 'rotated' AND s.id IS NULL")) as unknown as [unknown[]];
        assert.deepEqual(broken, [], "every rotation committed its successor");
      } finally {
        keys.disconnect();
        await sql.end();
      }
      const reuse = await t.postForm("/token", codeRedemption([...delivered.keys()][0]!), basic(client.client_id, client.client_secret!));
      assert.deepEqual([reuse.status, ((await reuse.json()) as { error: string }).error], [400, "invalid_grant"]);
    });
  });
}
