import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { UserService } from "../../src/core/users/user.service.js";
import { DpopTestKey } from "../support/dpop.js";
import { faultSuiteRuns } from "../support/fault-requirements.js";
import { ShiftedClock } from "../support/fake-clock.js";
import { authorizeUrl, CALLBACK, codeRedemption, signInForCode } from "../support/code-flow.js";
import { PrivateRedis } from "../support/private-redis.js";
import { createScratchDatabase } from "../support/scratch-database.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * Corpus S112: clocks that disagree. Two nodes share MariaDB and a private Redis, one of them skewed by ±30 s
 * (CLOCK_TOLERANCE, the documented bound between nodes): what one node issues the other accepts, proofs inside the
 * tolerance pass and those outside fail, revocations cross the skew, no key gets a negative or missing TTL. A node
 * whose clock steps backwards does not bring an expired authorization code back (memory and Redis).
 */
const TOLERANCE_S = 30;
const DPOP_MAX_AGE_S = 60;
const ISSUER = "https://id.example.test";
const USER = { username: "skew-user", password: "skew-password-1" };
const CASE = { timeout: 30_000 };

type Client = { client_id: string; client_secret?: string };

if (faultSuiteRuns("S112: clock skew between nodes", { variables: ["MYSQL_URL", "REDIS_URL"], binaries: ["redis-server"] })) {
  describe("S112: two nodes sharing MariaDB and Redis, one with a skewed clock", () => {
    let db: Awaited<ReturnType<typeof createScratchDatabase>>;
    let redis: PrivateRedis;
    let reference: TestApp;
    let skewed: TestApp;
    const skew = new ShiftedClock();
    let machine: Client;
    let introspector: Client;
    const dpop = new DpopTestKey();

    before(async () => {
      [db, redis] = await Promise.all([createScratchDatabase(process.env.MYSQL_URL!, "portcullis_skew"), PrivateRedis.start()]);
      const shared = { databaseUrl: db.url, redisUrl: redis.url, issuer: ISSUER, clockTolerance: String(TOLERANCE_S), dpopProofMaxAge: String(DPOP_MAX_AGE_S) };
      reference = await startTestApp(shared, { clock: new ShiftedClock() });
      skewed = await startTestApp(shared, { clock: skew });
      machine = await reference.createClient({ grant_types: ["client_credentials"] });
      introspector = await reference.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
    });
    after(async () => {
      await Promise.all([reference?.stop(), skewed?.stop()]);
      await Promise.all([db?.drop(), redis?.kill()]);
    });

    const token = async (node: TestApp, proof?: string) => node.postForm("/token", { grant_type: "client_credentials" }, { ...basic(machine.client_id, machine.client_secret!), ...(proof && { dpop: proof }) });
    const accessToken = async (node: TestApp) => {
      const res = await token(node);
      assert.equal(res.status, 200);
      return ((await res.json()) as { access_token: string }).access_token;
    };
    const active = async (node: TestApp, value: string) =>
      ((await (await node.postForm("/introspect", { token: value }, basic(introspector.client_id, introspector.client_secret!))).json()) as { active: boolean }).active;
    /** A DPoP proof whose iat is `offsetS` seconds from the skewed node's clock. */
    const proofAt = (offsetS: number) => dpop.proof("POST", `${ISSUER}/token`, skew.now() + offsetS * 1000);
    const withSkew = async (ms: number, check: () => Promise<void>) => {
      skew.advance(ms);
      try {
        await check();
      } finally {
        skew.advance(-ms);
      }
    };

    for (const seconds of [TOLERANCE_S, -TOLERANCE_S]) {
      test(`skew ${seconds > 0 ? "+" : ""}${seconds} s: tokens cross between the nodes both ways, revocations too; DPoP iat inside the tolerance accepted, outside refused`, CASE, () =>
        withSkew(seconds * 1000, async () => {
          const fromSkewed = await accessToken(skewed);
          const fromReference = await accessToken(reference);
          assert.equal(await active(reference, fromSkewed), true, "a token minted on the skewed node is active on the other");
          assert.equal(await active(skewed, fromReference), true, "and the other way round");

          assert.equal((await token(skewed, dpop.proof("POST", `${ISSUER}/token`, Date.now()))).status, 200, "a client with the right time is served by the skewed node");
          assert.equal((await token(skewed, proofAt(TOLERANCE_S - 2))).status, 200, "iat in the future inside the tolerance");
          // (Old proofs inside DPOP_PROOF_MAX_AGE are corpus F40's; this Redis has just started and could not vouch for them, S107.)
          for (const outside of [TOLERANCE_S + 2, -DPOP_MAX_AGE_S - TOLERANCE_S - 2]) {
            const res = await token(skewed, proofAt(outside));
            assert.deepEqual([res.status, ((await res.json()) as { error: string }).error], [400, "invalid_dpop_proof"], `iat ${outside} s from the node's clock`);
          }

          assert.equal((await skewed.postForm("/revoke", { token: fromReference }, basic(machine.client_id, machine.client_secret!))).status, 200);
          assert.equal(await active(reference, fromReference), false, "a revocation made on the skewed node holds on the other");
        }),
      );
    }

    test("skew beyond the tolerance (+45 s): the other node refuses what it mints (iat in its future) — nodes must stay within CLOCK_TOLERANCE", CASE, () =>
      withSkew(45_000, async () => {
        assert.equal(await active(reference, await accessToken(skewed)), false);
      }),
    );

    test("every Redis key written under skew has a positive TTL", CASE, async () => {
      const client = new Redis(redis.url);
      try {
        const keys = await client.keys("*");
        assert.ok(keys.length > 0);
        const ttls = await Promise.all(keys.map((key) => client.pttl(key)));
        assert.deepEqual(keys.filter((_, i) => ttls[i]! <= 0), [], "keys without a TTL or with a negative one");
      } finally {
        client.disconnect();
      }
    });
  });
}

/** A single node whose clock runs past a code's expiry, then steps back (an NTP correction) before the code is used. */
function backwardStepSuite(name: string, store: () => Promise<{ redisUrl?: string; close(): Promise<void> }>) {
  describe(name, () => {
    const clock = new ShiftedClock();
    let t: TestApp;
    let close: () => Promise<void>;
    let client: Client;

    before(async () => {
      const opened = await store();
      close = opened.close;
      t = await startTestApp({ authorizationCodeTtl: "1", ...(opened.redisUrl && { redisUrl: opened.redisUrl }) }, { clock });
      await t.app.container.resolve(UserService).create(USER);
      client = await t.createClient({ redirect_uris: [CALLBACK], grant_types: ["authorization_code"], response_types: ["code"], scope: "openid" });
    });
    after(async () => {
      await t?.stop();
      await close?.();
    });

    test("an expired code stays expired when the clock steps back", CASE, async () => {
      const code = await signInForCode(authorizeUrl(t.publicUrl, client.client_id, "openid"), t.issuer, USER);
      clock.advance(2_000);
      await new Promise((resolve) => setTimeout(resolve, 1100)); // Redis expires keys on its own clock
      clock.advance(-60_000);
      const res = await t.postForm("/token", codeRedemption(code), basic(client.client_id, client.client_secret!));
      assert.deepEqual([res.status, ((await res.json()) as { error: string }).error], [400, "invalid_grant"]);
    });
  });
}

backwardStepSuite("S112: backward clock step, memory store", async () => ({ close: async () => {} }));
if (faultSuiteRuns("S112: backward clock step, Redis", { variables: ["REDIS_URL"], binaries: ["redis-server"] })) {
  backwardStepSuite("S112: backward clock step, private Redis", async () => {
    const redis = await PrivateRedis.start();
    return { redisUrl: redis.url, close: () => redis.kill() };
  });
}
