import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import mysql from "mysql2/promise";
import { digestMatches, secretDigest } from "../../src/core/security/digest.js";
import { serviceUrl } from "../integration/storage/services.js";
import { sleep } from "../support/fault-requirements.js";
import { PrivateRedis } from "../support/private-redis.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";
import { FakeClock } from "../support/fake-clock.js";
import { expectOAuthError, expectRawOAuthError, formBody, rawHttp } from "../support/oauth-assertions.js";

/** Security corpus group S: infrastructure faults (106, 108), auth-failure throttling (118), log and storage hygiene (119), constant-time comparison (120). */
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const API = "https://api.example.test/";

type Client = { client_id: string; client_secret?: string } & Record<string, unknown>;
type Tokens = { access_token: string; refresh_token: string };

/** Runs `request` and returns the response with how long it took. */
async function timed(request: () => Promise<Response>): Promise<{ res: Response; ms: number }> {
  const started = performance.now();
  const res = await request();
  return { res, ms: performance.now() - started };
}

// ---------------------------------------------------------------------------------------------------------------
// S106: Redis stopped and restarted under a running app
// ---------------------------------------------------------------------------------------------------------------

const redisProbe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
const redisMissing = redisProbe.error ? `redis-server binary not found (${(redisProbe.error as NodeJS.ErrnoException).code}); S106 needs it to start a private Redis` : undefined;
if (redisMissing) console.log(`# skipping S106: ${redisMissing}`);

describe("S106: Redis stopped, then restarted, under a running app", { skip: redisMissing ?? false }, () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let client: Client;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  before(async () => {
    process.on("uncaughtException", onUncaught);
    redis = await PrivateRedis.start();
    t = await startTestApp({ redisUrl: redis.url });
    await t.createResource(API, "api:read");
    client = await t.createClient({ grant_types: ["client_credentials"] });
  });
  after(async () => {
    await t?.stop();
    await redis?.kill();
    process.off("uncaughtException", onUncaught);
  });

  const token = () => t.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, basic(client.client_id, client.client_secret!));
  const introspect = (value: string) => t.postForm("/introspect", { token: value }, basic(client.client_id, client.client_secret!));

  test("Redis down: ephemeral-state endpoints answer 503 temporarily_unavailable + Retry-After within 2 s; discovery and JWKS still served; back up: no app restart needed", async () => {
    const before = await token();
    assert.equal(before.status, 200);
    const { access_token } = (await before.json()) as { access_token: string };
    assert.equal(((await (await introspect(access_token)).json()) as { active: boolean }).active, true);

    await redis.kill();
    for (let round = 0; round < 3; round++) {
      for (const [name, request] of [
        ["/token", token],
        ["/introspect", () => introspect(access_token)],
        ["/revoke", () => t.postForm("/revoke", { token: access_token }, basic(client.client_id, client.client_secret!))],
      ] as const) {
        const { res, ms } = await timed(request);
        assert.ok(ms <= 2000, `${name} took ${Math.round(ms)} ms with Redis down`);
        const retryAfter = res.headers.get("retry-after");
        await expectOAuthError(res, 503, "temporarily_unavailable");
        assert.ok(retryAfter !== null && Number(retryAfter) > 0, `${name}: Retry-After ${retryAfter}`);
      }
      for (const path of ["/jwks", "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]) {
        const { res, ms } = await timed(() => fetch(`${t.publicUrl}${path}`));
        assert.equal(res.status, 200, `${path} with Redis down`);
        assert.ok(ms <= 2000, `${path} took ${Math.round(ms)} ms`);
        await res.arrayBuffer();
      }
      await sleep(300);
    }

    await redis.start();
    const restartedAt = performance.now();
    let recovered: Response | undefined;
    for (let i = 0; i < 100 && !recovered; i++) {
      const res = await token();
      if (res.status === 200) recovered = res;
      else {
        assert.equal(res.status, 503, "while reconnecting the answer stays 503");
        await res.arrayBuffer();
        await sleep(100);
      }
    }
    assert.ok(recovered, "the app did not recover within ~10 s of Redis coming back");
    assert.ok(performance.now() - restartedAt < 5000, `recovery took ${Math.round(performance.now() - restartedAt)} ms`);

    // Everything that needs Redis works again: introspection, revocation (store and pub/sub), rate-limit counters.
    const { access_token: fresh } = (await recovered.json()) as { access_token: string };
    assert.equal(((await (await introspect(fresh)).json()) as { active: boolean }).active, true);
    assert.equal((await t.postForm("/revoke", { token: fresh }, basic(client.client_id, client.client_secret!))).status, 200);
    assert.deepEqual(await (await introspect(fresh)).json(), { active: false });
    assert.deepEqual(uncaught, [], "no unhandled 'error' event or exception while Redis was down");
    // the outage was logged (corpus S119: without the credentials in the failed commands)
    const logs = t.logText();
    for (const [name, value] of Object.entries({ access_token, fresh, client_secret: client.client_secret! })) assert.ok(!logs.includes(value), `${name} in the log`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// S108: MySQL/MariaDB cut off under refresh load (through a TCP proxy the test controls)
// ---------------------------------------------------------------------------------------------------------------

const mysqlUrl = serviceUrl("MYSQL_URL", "S108: MySQL restarted under refresh load");

if (mysqlUrl) {
  describe("S108: MySQL connection cut under refresh load", () => {
    const database = `portcullis_fault_${randomBytes(6).toString("hex")}`;
    let admin: mysql.Connection;
    let proxy: TcpProxy;
    let t: TestApp;
    let publicClient: Client;

    before(async () => {
      admin = await mysql.createConnection(mysqlUrl);
      await admin.query(`CREATE DATABASE \`${database}\``);
      const target = new URL(mysqlUrl);
      proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 3306) });
      const proxied = new URL(mysqlUrl);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(await proxy.listen());
      proxied.pathname = `/${database}`;
      t = await startTestApp({ databaseUrl: proxied.href, plugins: plugin, refreshTokenTtl: "3600" });
      await t.createResource(API, "api:read");
      publicClient = await t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
    });
    after(async () => {
      await t?.stop();
      await proxy?.close();
      if (admin) {
        await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await admin.end();
      }
    });

    test("requests during the outage get 503 (never 500) in < 5 s, the pool recovers by itself, refresh-token invariants hold", async (ctx) => {
      type Phase = "before" | "outage" | "after";
      interface Outcome {
        worker: number;
        phase: Phase;
        op: "start" | "refresh" | "revoke";
        status: number;
        error?: string;
        retryAfter?: string | null;
        ms: number;
        grantRevocationAttempted: boolean;
      }
      let phase: Phase = "before";
      let stop = false;
      const outcomes: Outcome[] = [];
      const okAfterReopen = new Set<number>();
      const issued: string[] = [];
      const WORKERS = 6;

      const call = async (worker: number, op: Outcome["op"], form: Record<string, string>, path: string, revocationAttempted: boolean) => {
        const startedIn = phase;
        const { res, ms } = await timed(() => t.postForm(path, { ...form, client_id: publicClient.client_id }));
        const text = await res.text();
        const outcome: Outcome = { worker, phase: startedIn, op, status: res.status, ms, grantRevocationAttempted: revocationAttempted, retryAfter: res.headers.get("retry-after") };
        if (res.status !== 200) outcome.error = (JSON.parse(text) as { error: string }).error;
        outcomes.push(outcome);
        if (res.status === 200 && startedIn === "after") okAfterReopen.add(worker);
        if (res.status === 200 && text) issued.push(...Object.values(JSON.parse(text) as Record<string, unknown>).filter((v): v is string => typeof v === "string" && v.length > 20));
        return { status: res.status, body: res.status === 200 && text ? (JSON.parse(text) as Tokens) : undefined };
      };

      const work = async (worker: number) => {
        let refreshToken: string | undefined;
        let revocationAttempted = false;
        for (let n = 0; !stop && n < 10_000; n++) {
          if (refreshToken === undefined) {
            const started = await call(worker, "start", { grant_type: GRANT, subject: `user-${worker}`, scope: "api:read" }, "/token", false);
            if (started.body) {
              refreshToken = started.body.refresh_token;
              revocationAttempted = false;
            } else await sleep(20);
            continue;
          }
          if (n % 9 === 8) {
            revocationAttempted = true;
            const revoked = await call(worker, "revoke", { token: refreshToken }, "/revoke", true);
            if (revoked.status === 200) refreshToken = undefined;
            continue;
          }
          const refreshed = await call(worker, "refresh", { grant_type: "refresh_token", refresh_token: refreshToken }, "/token", revocationAttempted);
          if (refreshed.body) refreshToken = refreshed.body.refresh_token;
          else if (refreshed.status === 400) refreshToken = undefined; // the grant was revoked (a revocation whose reply was lost)
          else await sleep(20);
        }
      };

      const workers = Array.from({ length: WORKERS }, (_, i) => work(i));
      try {
        await sleep(500);
        for (let i = 0; i < 100 && outcomes.filter((o) => o.status === 200).length < WORKERS * 3; i++) await sleep(50);
        phase = "outage";
        proxy.cut();
        await sleep(2000);
        phase = "after";
        proxy.reopen();
        const reopenedAt = performance.now();
        for (let i = 0; i < 300 && okAfterReopen.size < WORKERS; i++) await sleep(50);
        const recoveryMs = performance.now() - reopenedAt;
        assert.equal(okAfterReopen.size, WORKERS, `only ${okAfterReopen.size}/${WORKERS} workers succeeded within 15 s of the database coming back`);
        assert.ok(recoveryMs < 10_000, `recovery took ${Math.round(recoveryMs)} ms`);
        await sleep(500); // more traffic on the recovered pool before the invariants are checked
      } finally {
        stop = true;
        await Promise.all(workers);
      }

      const summary = JSON.stringify(
        outcomes.reduce<Record<string, number>>((acc, o) => {
          const key = `${o.phase} ${o.op} ${o.status}${o.error ? ` ${o.error}` : ""}`;
          acc[key] = (acc[key] ?? 0) + 1;
          return acc;
        }, {}),
      );
      ctx.diagnostic(`outcomes (phase op status error: count): ${summary}; slowest ${Math.round(Math.max(...outcomes.map((o) => o.ms)))} ms`);
      const during = outcomes.filter((o) => o.phase === "outage");
      assert.ok(during.some((o) => o.status === 503), `the outage was not observed: ${summary}`);
      for (const o of outcomes) {
        assert.notEqual(o.status, 500, `a 500 (${o.phase} ${o.op}): ${summary}`);
        assert.ok(o.ms < 5000, `${o.phase} ${o.op} took ${Math.round(o.ms)} ms: ${summary}`);
        if (o.status === 503) {
          assert.equal(o.error, "temporarily_unavailable", summary);
          assert.ok(o.retryAfter && Number(o.retryAfter) > 0, `503 without Retry-After: ${summary}`);
        } else if (o.status !== 200) {
          // invalid_grant only for a grant whose revocation was attempted; a live client is never logged out (corpus E35, S103)
          assert.ok(o.status === 400 && o.error === "invalid_grant" && o.grantRevocationAttempted, `unexpected ${o.status} ${o.error} (${o.phase} ${o.op}): ${summary}`);
        }
      }

      const logs = t.logText();
      assert.equal(issued.filter((token) => logs.includes(token)).length, 0, "tokens found in the log of the outage (corpus S119)");

      const [revokedButActive] = (await admin.query(
        `SELECT COUNT(*) AS n FROM \`${database}\`.refresh_tokens rt JOIN \`${database}\`.grants g ON g.id = rt.grant_id WHERE rt.status = 'active' AND g.revoked_at IS NOT NULL`,
      )) as unknown as [{ n: number }[]];
      assert.equal(Number(revokedButActive[0]!.n), 0, "no refresh token is active whose grant is revoked");
      const [doubled] = (await admin.query(
        `SELECT grant_id, COUNT(*) AS n FROM \`${database}\`.refresh_tokens WHERE status = 'active' GROUP BY grant_id HAVING COUNT(*) > 1`,
      )) as unknown as [{ grant_id: string; n: number }[]];
      assert.deepEqual(doubled, [], "no grant has two active refresh tokens");
      const [rotatedWithoutSuccessor] = (await admin.query(
        `SELECT COUNT(*) AS n FROM \`${database}\`.refresh_tokens rt LEFT JOIN \`${database}\`.refresh_tokens s ON s.id = rt.successor_id WHERE rt.status = 'rotated' AND s.id IS NULL`,
      )) as unknown as [{ n: number }[]];
      assert.equal(Number(rotatedWithoutSuccessor[0]!.n), 0, "every rotation committed its successor (one transaction)");
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// S118: failed client authentications are throttled
// ---------------------------------------------------------------------------------------------------------------

describe("S118: repeated failed client authentication → 429 + Retry-After", () => {
  const clock = new FakeClock();
  let t: TestApp;
  let victim: Client;
  let bystander: Client;

  before(async () => {
    t = await startTestApp({ authFailureLimit: "5" }, { clock });
    victim = await t.createClient({ grant_types: ["client_credentials"] });
    bystander = await t.createClient({ grant_types: ["client_credentials"] });
  });
  after(() => t.stop());

  /** A token request from a given loopback source address (each 127.0.0.x counts as another IP). */
  const tokenFrom = (localAddress: string, authorization: Record<string, string>) =>
    rawHttp(`${t.publicUrl}/token`, { localAddress, headers: { "content-type": "application/x-www-form-urlencoded", ...authorization }, body: formBody({ grant_type: "client_credentials" }) });

  test("after 5 failures for one client: 429 with Retry-After, even with the right secret; other clients keep getting 200", async () => {
    const attacker = "127.0.0.3";
    for (let i = 0; i < 5; i++) expectRawOAuthError(await tokenFrom(attacker, basic(victim.client_id, `guess-${i}`)), 401, "invalid_client");
    for (let i = 0; i < 25; i++) {
      const res = await tokenFrom(attacker, basic(victim.client_id, `guess-${i + 5}`));
      expectRawOAuthError(res, 429, "too_many_requests");
      const retryAfter = Number(res.headers["retry-after"]);
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(res.headers["retry-after"])}`);
    }
    // a correct guess is not even checked while locked
    expectRawOAuthError(await tokenFrom(attacker, basic(victim.client_id, victim.client_secret!)), 429, "too_many_requests");

    // another client, from another address, is unaffected
    for (let i = 0; i < 3; i++) assert.equal((await tokenFrom("127.0.0.4", basic(bystander.client_id, bystander.client_secret!))).status, 200);
    // documented policy (AUTH_FAILURE_LIMIT: "per client and per IP"): the attacked client id itself is locked for the window
    expectRawOAuthError(await tokenFrom("127.0.0.4", basic(victim.client_id, victim.client_secret!)), 429, "too_many_requests");

    clock.advance(61_000);
    assert.equal((await tokenFrom("127.0.0.6", basic(victim.client_id, victim.client_secret!))).status, 200, "the lock ends with the window");
  });

  test("failures naming no valid client lock the source address only", async () => {
    const scanner = "127.0.0.5";
    for (let i = 0; i < 5; i++) expectRawOAuthError(await tokenFrom(scanner, basic(`unknown-${i}`, "x")), 401, "invalid_client");
    for (let i = 0; i < 5; i++) expectRawOAuthError(await tokenFrom(scanner, { authorization: "Basic !!!" }), 429, "too_many_requests");
    assert.equal((await tokenFrom("127.0.0.7", basic(bystander.client_id, bystander.client_secret!))).status, 200);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// S119: no credential in the logs; only digests in the database
// ---------------------------------------------------------------------------------------------------------------

describe("S119: log and storage hygiene", () => {
  let dir: string;
  let dbFile: string;
  let t: TestApp;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "portcullis-s119-"));
    dbFile = join(dir, "portcullis.db");
    t = await startTestApp({ databaseUrl: `sqlite:${dbFile}`, plugins: plugin, openRegistration: "true", logLevel: "debug" });
    await t.createResource(API, "api:read api:write");
    await t.createResource("https://opaque.example.test/", "opaque:read", { format: "opaque" });
  });
  after(async () => {
    await t?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Named credentials a test used; every one must be absent from logs and database. */
  class Secrets extends Map<string, string> {
    keep(name: string, value: string | undefined): string {
      assert.ok(value && value.length >= 8, `${name} missing`);
      this.set(name, value);
      return value;
    }
  }

  /** Every row of every table as JSON, plus the raw database and WAL files (a deleted row may linger there). */
  async function dumpDatabase(): Promise<{ text: string; files: Buffer[]; query<T>(sql: string): T[] }> {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    const text = tables.map((table) => JSON.stringify(db.prepare(`SELECT * FROM "${table}"`).all())).join("\n");
    const results = new Map<string, unknown[]>();
    const files = [await readFile(dbFile), await readFile(`${dbFile}-wal`).catch(() => Buffer.alloc(0))];
    return {
      text,
      files,
      query<T>(sql: string): T[] {
        if (!results.has(sql)) results.set(sql, db.prepare(sql).all());
        return results.get(sql) as T[];
      },
    };
  }

  function assertNoLeaks(secrets: Secrets, dump: { text: string; files: Buffer[] }): void {
    const logs = t.logText();
    assert.deepEqual([...secrets].filter(([, value]) => logs.includes(value)).map(([name]) => name), [], "credentials found in the debug log");
    // a JWT's signature alone (the JWT cut at its last dot) must not be there either
    const signatures = [...secrets.values()].filter((v) => v.split(".").length === 3).map((v) => v.split(".")[2]!).filter((sig) => sig.length > 16);
    assert.deepEqual(signatures.filter((sig) => logs.includes(sig)), [], "JWT signatures found in the debug log");
    const stored = [...secrets].filter(([, value]) => dump.text.includes(value) || dump.files.some((file) => file.includes(value))).map(([name]) => name);
    assert.deepEqual(stored, [], "plaintext credentials stored in the database");
  }

  test("a mix of flows leaves no token, secret, assertion or Authorization value in the logs or the database", async () => {
    const secrets = new Secrets();
    const confidential = await t.createClient({ grant_types: ["client_credentials", GRANT, "refresh_token"] });
    secrets.keep("client_secret (basic)", confidential.client_secret);
    const secretJwtClient = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_jwt" });
    secrets.keep("client_secret (client_secret_jwt)", secretJwtClient.client_secret);
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const pkj = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: "k1" }] } });

    const dcr = await fetch(`${t.publicUrl}/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ grant_types: ["client_credentials"] }) });
    assert.equal(dcr.status, 201);
    const dynamic = (await dcr.json()) as Client & { registration_access_token: string };
    secrets.keep("client_secret (dynamic registration)", dynamic.client_secret);
    secrets.keep("registration_access_token", dynamic.registration_access_token);
    assert.equal((await t.postForm("/token", { grant_type: "client_credentials" }, basic(dynamic.client_id, dynamic.client_secret!))).status, 200);

    const authBasic = basic(confidential.client_id, confidential.client_secret!);
    secrets.keep("Authorization header", authBasic.authorization);
    secrets.keep("Authorization credentials", authBasic.authorization.slice("Basic ".length));
    const json = async <T>(res: Promise<Response>) => {
      const response = await res;
      assert.equal(response.status, 200);
      return (await response.json()) as T;
    };

    // client_credentials: JWT and opaque access tokens
    const ccJwt = await json<{ access_token: string }>(t.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, authBasic));
    secrets.keep("access token (client_credentials, JWT)", ccJwt.access_token);
    const ccOpaque = await json<{ access_token: string }>(t.postForm("/token", { grant_type: "client_credentials", resource: "https://opaque.example.test/", scope: "opaque:read" }, authBasic));
    secrets.keep("access token (opaque)", ccOpaque.access_token);

    // a refreshable grant, refreshed twice
    const started = await json<Tokens>(t.postForm("/token", { grant_type: GRANT, subject: "alice", scope: "api:read" }, authBasic));
    secrets.keep("refresh token #1", started.refresh_token);
    secrets.keep("access token (grant)", started.access_token);
    const second = await json<Tokens>(t.postForm("/token", { grant_type: "refresh_token", refresh_token: started.refresh_token }, authBasic));
    secrets.keep("refresh token #2", second.refresh_token);
    secrets.keep("access token (refresh #1)", second.access_token);
    const third = await json<Tokens>(t.postForm("/token", { grant_type: "refresh_token", refresh_token: second.refresh_token }, authBasic));
    secrets.keep("refresh token #3", third.refresh_token);
    secrets.keep("access token (refresh #2)", third.access_token);

    // introspection of each kind
    for (const token of [ccJwt.access_token, ccOpaque.access_token, third.refresh_token, third.access_token]) {
      assert.equal((await json<{ active: boolean }>(t.postForm("/introspect", { token }, authBasic))).active, true);
    }

    // a failed Basic authentication (the wrong secret must not be logged either)
    const wrongSecret = secrets.keep("wrong secret", `wrong-${randomBytes(16).toString("base64url")}`);
    const wrongAuth = secrets.keep("wrong Authorization header", basic(confidential.client_id, wrongSecret).authorization);
    assert.equal((await t.postForm("/token", { grant_type: "client_credentials" }, { authorization: wrongAuth })).status, 401);

    // private_key_jwt and client_secret_jwt assertions (the first one also replayed, which fails)
    const now = Math.floor(Date.now() / 1000);
    const assertionFor = (clientId: string) => new SignJWT({ jti: randomUUID() }).setIssuer(clientId).setSubject(clientId).setAudience(t.issuer).setIssuedAt(now).setExpirationTime(now + 60);
    const pkjAssertion = secrets.keep("client_assertion (private_key_jwt)", await assertionFor(pkj.client_id).setProtectedHeader({ alg: "ES256", kid: "k1" }).sign(privateKey));
    const pkjForm = { grant_type: "client_credentials", client_assertion_type: ASSERTION_TYPE, client_assertion: pkjAssertion };
    secrets.keep("access token (private_key_jwt)", (await json<{ access_token: string }>(t.postForm("/token", pkjForm))).access_token);
    assert.equal((await t.postForm("/token", pkjForm)).status, 401, "replay fails");
    const hsAssertion = secrets.keep(
      "client_assertion (client_secret_jwt)",
      await assertionFor(secretJwtClient.client_id).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secretJwtClient.client_secret!)),
    );
    assert.equal((await t.postForm("/token", { grant_type: "client_credentials", client_assertion_type: ASSERTION_TYPE, client_assertion: hsAssertion })).status, 200);

    // revocation of an access token and of the grant, then reuse of a rotated refresh token (which fails)
    assert.equal((await t.postForm("/revoke", { token: ccJwt.access_token }, authBasic)).status, 200);
    assert.equal((await t.postForm("/revoke", { token: third.refresh_token }, authBasic)).status, 200);
    assert.equal((await t.postForm("/token", { grant_type: "refresh_token", refresh_token: started.refresh_token }, authBasic)).status, 400);

    const db = await dumpDatabase();
    assertNoLeaks(secrets, db);

    // refresh tokens and client secrets are there as SHA-256 digests; the client_secret_jwt secret only sealed
    const refreshTokens = db.query<{ digest: string; successor_sealed: string | null }>("SELECT digest, successor_sealed FROM refresh_tokens");
    const clients = new Map(
      db.query<{ client_id: string; secret_digest: string | null; secret_sealed: string | null }>("SELECT client_id, secret_digest, secret_sealed FROM clients").map((c) => [c.client_id, c]),
    );
    const rtDigests = new Set(refreshTokens.map((r) => r.digest));
    for (const token of [started.refresh_token, second.refresh_token, third.refresh_token]) assert.ok(rtDigests.has(secretDigest(token)), "refresh token stored as its digest");
    assert.equal(clients.get(confidential.client_id)!.secret_digest, secretDigest(confidential.client_secret!));
    assert.equal(clients.get(dynamic.client_id)!.secret_digest, secretDigest(dynamic.client_secret!));
    assert.ok(clients.get(secretJwtClient.client_id)!.secret_sealed, "client_secret_jwt keeps its secret sealed (DESIGN 'State')");
    assert.equal(createHash("sha256").update(confidential.client_secret!).digest("base64url"), secretDigest(confidential.client_secret!));

    // database values fail when presented as credentials
    const liveGrant = await json<Tokens>(t.postForm("/token", { grant_type: GRANT, subject: "bob", scope: "api:read" }, authBasic));
    const liveDigest = secretDigest(liveGrant.refresh_token);
    await expectOAuthError(await t.postForm("/token", { grant_type: "refresh_token", refresh_token: liveDigest }, authBasic), 400, "invalid_grant");
    assert.deepEqual(await (await t.postForm("/introspect", { token: liveDigest }, authBasic)).json(), { active: false });
    for (const sealed of refreshTokens.map((r) => r.successor_sealed).filter((v): v is string => v !== null)) {
      await expectOAuthError(await t.postForm("/token", { grant_type: "refresh_token", refresh_token: sealed }, authBasic), 400, "invalid_grant");
    }
    await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, basic(confidential.client_id, clients.get(confidential.client_id)!.secret_digest!)), 401, "invalid_client");
    const forged = await assertionFor(secretJwtClient.client_id).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(clients.get(secretJwtClient.client_id)!.secret_sealed!));
    await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials", client_assertion_type: ASSERTION_TYPE, client_assertion: forged }), 401, "invalid_client");
    // the live refresh token itself still works (control)
    assert.equal((await t.postForm("/token", { grant_type: "refresh_token", refresh_token: liveGrant.refresh_token }, authBasic)).status, 200);
  });

  test("registration access tokens (RFC 7592): usable at registration_client_uri, stored only as digests, never logged", async () => {
    const secrets = new Secrets();
    const dcr = await fetch(`${t.publicUrl}/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ grant_types: ["client_credentials"] }) });
    assert.equal(dcr.status, 201);
    const dynamic = (await dcr.json()) as Client & { registration_access_token: string; registration_client_uri: string };
    secrets.keep("registration_access_token", dynamic.registration_access_token);
    secrets.keep("client_secret", dynamic.client_secret);
    assert.equal(dynamic.registration_client_uri, `${t.issuer}/register/${encodeURIComponent(dynamic.client_id)}`);

    const read = await fetch(dynamic.registration_client_uri, { headers: { authorization: `Bearer ${dynamic.registration_access_token}` } });
    assert.equal(read.status, 200, `GET registration_client_uri with its registration access token: ${read.status} ${await read.clone().text()}`);
    const rotated = (await read.json()) as { registration_access_token: string };
    secrets.keep("registration_access_token (rotated)", rotated.registration_access_token);

    const db = await dumpDatabase();
    assertNoLeaks(secrets, db);
    const [row] = db.query<{ registration_token_digest: string }>(`SELECT registration_token_digest FROM clients WHERE client_id = '${dynamic.client_id.replace(/'/g, "''")}'`);
    assert.equal(row!.registration_token_digest, secretDigest(rotated.registration_access_token));
    const withDigest = await fetch(dynamic.registration_client_uri, { headers: { authorization: `Bearer ${row!.registration_token_digest}` } });
    assert.equal(withDigest.status, 401, "the stored digest is not a registration access token");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// S120: secret comparison is constant-time over fixed-length digests
// ---------------------------------------------------------------------------------------------------------------

describe("S120: digestMatches compares fixed-length digests with timingSafeEqual", () => {
  test("the source uses crypto.timingSafeEqual over SHA-256 digests and no early-exit comparison", async () => {
    const source = await readFile(fileURLToPath(new URL("../../src/core/security/digest.ts", import.meta.url)), "utf8");
    const body = source.slice(source.indexOf("export function digestMatches"));
    assert.match(source, /import \{[^}]*\btimingSafeEqual\b[^}]*\} from "node:crypto"/);
    assert.match(body, /timingSafeEqual\(/);
    assert.match(body, /createHash\("sha256"\)/, "the presented value is hashed first, so the compared length never depends on it");
    assert.doesNotMatch(body.slice(0, body.indexOf("\n}")), /presented\s*===|===\s*presented|\.equals\(|localeCompare/, "no early-exit comparison of the presented value");
  });

  test("digests have one length whatever the input length", () => {
    const lengths = new Set(["", "a", "x".repeat(31), "y".repeat(32), "z".repeat(10_000), "\u00e9\u4e2d\ud83d\ude00"].map((v) => secretDigest(v).length));
    assert.deepEqual([...lengths], [43]);
  });

  test("behaviour: matches only the right secret; wrong, empty, long or differently-sized inputs never throw", () => {
    // A fixed secret: a random one ends in "x" once in 64 runs, and `${secret.slice(0, -1)}x` would then be the secret.
    const secret = Buffer.alloc(32, 7).toString("base64url");
    const stored = secretDigest(secret);
    assert.equal(digestMatches(secret, stored), true);
    for (const presented of ["", "a", secret.slice(0, -1), `${secret}x`, `x${secret.slice(1)}`, `${secret.slice(0, -1)}x`, "z".repeat(100_000), stored]) {
      assert.equal(digestMatches(presented, stored), false, `presented ${presented.slice(0, 20)}…`);
    }
    // a malformed stored digest (wrong length) is a mismatch, not an exception from timingSafeEqual
    for (const bad of ["", "short", `${stored}AA`, stored.slice(0, 20)]) assert.equal(digestMatches(secret, bad), false);
  });
});
