import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import { UserService } from "../../src/core/users/user.service.js";
import { faultSuiteRuns } from "../support/fault-requirements.js";
import { authorizeUrl, CALLBACK, codeRedemption, signInForCode } from "../support/code-flow.js";
import { MARIADB_BINARIES, PrivateMariaDb } from "../support/private-mariadb.js";
import { PrivateRedis } from "../support/private-redis.js";
import { spawnServer, type SpawnedServer } from "../support/spawned-server.js";
import { basic, freePort, startTestApp } from "../support/test-app.js";

/**
 * Corpus S109/S110: the real server process (`node src/main.ts`) SIGKILLed at a failpoint (PORTCULLIS_FAILPOINTS),
 * restarted, and the client's retry checked against what the database holds. Ephemeral state is a private Redis, which
 * outlives the crash, as in production.
 */
const NODE = [process.execPath, "--import", "tsx", "src/main.ts"] as const;
const USER = { username: "crash-user", password: "crash-password-1" };
const CASE = { timeout: 60_000 };

interface Client {
  client_id: string;
  client_secret: string;
}
interface Tokens {
  access_token: string;
  refresh_token: string;
}
interface Backend {
  url: string;
  /** Runs a read-only query against the server's database. */
  rows(sql: string, ...params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

function crashSuite(name: string, open: () => Promise<Backend>) {
  describe(name, () => {
    let backend: Backend;
    let redis: PrivateRedis;
    let env: Record<string, string>;
    let client: Client;
    let server: SpawnedServer | undefined;

    before(async () => {
      [backend, redis] = await Promise.all([open(), PrivateRedis.start()]);
      env = { DATABASE_URL: backend.url, REDIS_URL: redis.url, PORT: String(await freePort()), NODE_ENV: "test" };
      const seed = await startTestApp({ databaseUrl: backend.url, redisUrl: redis.url });
      await seed.app.container.resolve(UserService).create(USER);
      client = (await seed.createClient({ redirect_uris: [CALLBACK], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], scope: "openid offline_access" })) as Client;
      await seed.stop();
    });
    after(async () => {
      await server?.stop();
      await Promise.all([redis?.kill(), backend?.close()]);
    });

    /** (Re)starts the server on the same port and issuer, with `failpoints` armed. */
    const boot = async (failpoints = "") => {
      await server?.stop();
      server = await spawnServer({ ...env, PORTCULLIS_FAILPOINTS: failpoints }, NODE);
      return server;
    };
    const token = (form: Record<string, string>) =>
      fetch(`${server!.url}/token`, { method: "POST", body: new URLSearchParams(form), headers: { "content-type": "application/x-www-form-urlencoded", ...basic(client.client_id, client.client_secret) } });
    const code = () => signInForCode(authorizeUrl(server!.url, client.client_id, "openid offline_access"), server!.url, USER);
    const redeem = (value: string) => token(codeRedemption(value));
    /** Sends a request the armed server dies in, and waits for the process to be gone. */
    const crash = async (request: () => Promise<Response>) => {
      await assert.rejects(request(), "the server answered instead of dying at the failpoint");
      await server!.exited;
    };
    const grants = () => backend.rows("SELECT id, revoked_at FROM grants WHERE client_id = ?", client.client_id);
    const activeRefreshTokens = (grantId: unknown) => backend.rows("SELECT id FROM refresh_tokens WHERE grant_id = ? AND status = 'active'", grantId);
    const errorOf = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { error?: string }).error });

    test("after code consume, before token insert: nothing was minted, the retry gets invalid_grant", CASE, async () => {
      await boot("after-code-consume");
      const before = (await grants()).length;
      const value = await code();
      await crash(() => redeem(value));
      await boot();
      assert.equal((await grants()).length, before, "a crash before the token insert left no grant behind");
      assert.deepEqual(await errorOf(await redeem(value)), { status: 400, error: "invalid_grant" }, "the code was consumed: the client must start again");
      assert.equal((await grants()).length, before);
      assert.equal((await redeem(await code())).status, 200, "a new authorization works after the restart");
    });

    test("after token insert, before response: the code retry gets invalid_grant and revokes the tokens no client received", CASE, async () => {
      await boot("after-token-insert");
      const known = new Set((await grants()).map((g) => g.id));
      const value = await code();
      await crash(() => redeem(value));
      await boot();
      const orphans = (await grants()).filter((g) => !known.has(g.id));
      assert.equal(orphans.length, 1, "the grant and its refresh token were committed together before the crash");
      assert.equal(orphans[0]!.revoked_at, null);
      assert.equal((await activeRefreshTokens(orphans[0]!.id)).length, 1);
      assert.deepEqual(await errorOf(await redeem(value)), { status: 400, error: "invalid_grant" });
      const [revoked] = (await grants()).filter((g) => g.id === orphans[0]!.id);
      assert.notEqual(revoked!.revoked_at, null, "the code retry revoked the grant minted before the crash (RFC 6749 §4.1.2)");
      assert.equal((await activeRefreshTokens(orphans[0]!.id)).length, 0);
    });

    test("after refresh rotation commit, before response: the retry with the old refresh token succeeds (corpus E35), no session lost", CASE, async () => {
      await boot("after-refresh-rotation");
      const first = (await (await redeem(await code())).json()) as Tokens;
      assert.ok(first.refresh_token);
      await crash(() => token({ grant_type: "refresh_token", refresh_token: first.refresh_token }));
      await boot();
      const retried = await token({ grant_type: "refresh_token", refresh_token: first.refresh_token });
      assert.equal(retried.status, 200, "the lost response is recovered inside the grace window");
      const second = (await retried.json()) as Tokens;
      assert.notEqual(second.refresh_token, first.refresh_token);
      const next = await token({ grant_type: "refresh_token", refresh_token: second.refresh_token });
      assert.equal(next.status, 200, "the recovered refresh token is the live one");
      const [grant] = (await grants()).filter((g) => g.revoked_at === null);
      assert.ok(grant, "the grant is alive");
      assert.equal((await activeRefreshTokens(grant.id)).length, 1, "one active refresh token: the family did not fork");
    });
  });
}

if (faultSuiteRuns("S109/S110: SIGKILL at failpoints, SQLite file", { variables: ["REDIS_URL"], binaries: ["redis-server"] })) {
  crashSuite("S109/S110: SIGKILL at failpoints, SQLite file and private Redis", async () => {
    const dir = await mkdtemp(join(tmpdir(), "portcullis-crash-"));
    const file = join(dir, "db.sqlite");
    return {
      url: `sqlite:${file}`,
      async rows(sql, ...params) {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare(sql).all(...params) as Record<string, unknown>[];
        } finally {
          db.close();
        }
      },
      close: () => rm(dir, { recursive: true, force: true }),
    };
  });
}

if (faultSuiteRuns("S109/S110: SIGKILL at failpoints, MariaDB", { variables: ["MYSQL_URL", "REDIS_URL"], binaries: ["redis-server", ...MARIADB_BINARIES] })) {
  crashSuite("S109/S110: SIGKILL at failpoints, private MariaDB and private Redis", async () => {
    const db = await PrivateMariaDb.start();
    const url = await db.createDatabase("crash");
    const connection = await mysql.createConnection(url);
    return {
      url,
      async rows(sql, ...params) {
        const [rows] = await connection.query(sql, params);
        return rows as Record<string, unknown>[];
      },
      async close() {
        await connection.end();
        await db.remove();
      },
    };
  });
}
