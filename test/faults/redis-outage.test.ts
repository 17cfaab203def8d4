import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { UserService } from "../../src/core/users/user.service.js";
import { JWT_BEARER, signAssertion, testKey } from "../core/clients/auth-fixtures.js";
import { DpopTestKey } from "../support/dpop.js";
import { faultSuiteRuns, waitUntil } from "../support/fault-requirements.js";
import { authorizeUrl, CALLBACK, codeRedemption, PKCE_CHALLENGE, signInForCode } from "../support/code-flow.js";
import { PrivateRedis } from "../support/private-redis.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * Corpus S106 (Redis stopped before a flow) and S107 (Redis killed mid-flow and restarted empty) on a private Redis:
 * 503 temporarily_unavailable + Retry-After within 2 s, security checks fail closed, discovery and JWKS still served,
 * RFC errors (never 500) for the state lost, new flows without an app restart, no unhandled 'error' event.
 */
const DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
const USER = { username: "outage-user", password: "outage-password-1" };
const FAIL_FAST_MS = 2000;
const CASE = { timeout: 30_000 };

type Client = { client_id: string; client_secret?: string };

if (faultSuiteRuns("S106/S107: Redis outages", { variables: ["REDIS_URL"], binaries: ["redis-server"] })) {
  describe("S106/S107: Redis stopped, killed mid-flow and restarted empty, under a running app", () => {
    let redis: PrivateRedis;
    let t: TestApp;
    let web: Client;
    let tv: Client;
    let machine: Client;
    let signer: Client;
    const signerKey = testKey("ES256");
    const dpop = new DpopTestKey();
    const failures: unknown[] = [];
    const unavailableMs: number[] = [];
    const onFailure = (error: unknown) => failures.push(error);

    before(async () => {
      process.on("uncaughtException", onFailure).on("unhandledRejection", onFailure);
      redis = await PrivateRedis.start();
      t = await startTestApp({ redisUrl: redis.url });
      await t.app.container.resolve(UserService).create(USER);
      web = await t.createClient({ redirect_uris: [CALLBACK], grant_types: ["authorization_code"], response_types: ["code"], scope: "openid" });
      tv = await t.createClient({ grant_types: [DEVICE_CODE], token_endpoint_auth_method: "none", scope: "openid" });
      machine = await t.createClient({ grant_types: ["client_credentials"] });
      signer = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [signerKey.publicJwk] } });
    });
    after(async () => {
      await t?.stop();
      await redis?.kill();
      process.off("uncaughtException", onFailure).off("unhandledRejection", onFailure);
    });

    const webAuth = () => basic(web.client_id, web.client_secret!);
    const push = () => t.postForm("/par", { response_type: "code", redirect_uri: CALLBACK, scope: "openid", state: "s", ...PKCE_CHALLENGE }, webAuth());
    const deviceAuthorization = () => t.postForm("/device_authorization", { client_id: tv.client_id, scope: "openid" });
    const poll = (deviceCode: string) => t.postForm("/token", { grant_type: DEVICE_CODE, device_code: deviceCode, client_id: tv.client_id });
    const redeem = (code: string) => t.postForm("/token", codeRedemption(code), webAuth());
    const dpopToken = (proof: string) => t.postForm("/token", { grant_type: "client_credentials" }, { ...basic(machine.client_id, machine.client_secret!), dpop: proof });
    /** A private_key_jwt assertion (RFC 7523 §3) made `ageS` seconds ago, valid for a minute from now. */
    const assertionMadeAgo = (ageS: number) => {
      const now = Math.floor(Date.now() / 1000);
      return signAssertion(signerKey.privateKey, { alg: "ES256", kid: signerKey.kid }, signer.client_id, now - ageS, { aud: t.issuer, exp: now + 60 });
    };
    const assertionToken = (assertion: string) => t.postForm("/token", { grant_type: "client_credentials", client_assertion_type: JWT_BEARER, client_assertion: assertion });
    const freshProof = () => dpop.proof("POST", `${t.issuer}/token`, Date.now());
    /** A code through PAR, the sign-in page and the consent page. */
    const code = async () => {
      const { request_uri } = (await (await push()).json()) as { request_uri: string };
      return signInForCode(`${t.publicUrl}/authorize?${new URLSearchParams({ client_id: web.client_id, request_uri })}`, t.issuer, USER);
    };
    /** `request` answers 503 temporarily_unavailable with Retry-After within FAIL_FAST_MS. */
    const unavailable = async (name: string, request: () => Promise<Response>) => {
      const started = performance.now();
      const res = await request();
      const ms = performance.now() - started;
      const body = (await res.json()) as { error?: string };
      assert.deepEqual({ status: res.status, error: body.error }, { status: 503, error: "temporarily_unavailable" }, name);
      assert.ok(Number(res.headers.get("retry-after")) > 0, `${name}: Retry-After ${res.headers.get("retry-after")}`);
      assert.ok(ms <= FAIL_FAST_MS, `${name} took ${Math.round(ms)} ms with Redis down`);
      unavailableMs.push(ms);
    };
    /** Restarts Redis empty and waits (≤ 5 s: the client retries every ≤ 2 s) until the app reports itself ready again. */
    const restartRedis = async () => {
      await redis.start();
      await waitUntil(async () => (await fetch(`${t.publicUrl}/readyz`)).status === 200, 5000, "the app did not reconnect to Redis");
    };
    const redisUptimeSeconds = async () => {
      const client = new Redis(redis.url);
      try {
        return Number(/^uptime_in_seconds:(\d+)/m.exec(await client.info("server"))?.[1]);
      } finally {
        client.disconnect();
      }
    };
    const errorOf = async (res: Response) => ({ status: res.status, error: ((await res.json()) as { error?: string }).error });

    test("S106: Redis down before the flows: 503 within 2 s, fail closed (no code or DPoP proof replayed), discovery and JWKS served; back: new flows work", CASE, async (ctx) => {
      const unusedCode = await code();
      const usedProof = freshProof();
      assert.equal((await dpopToken(usedProof)).status, 200);

      await redis.kill();
      await unavailable("/par", push);
      await unavailable("/device_authorization", deviceAuthorization);
      await unavailable("/token authorization_code", () => redeem(unusedCode));
      await unavailable("/token with a replayed DPoP proof", () => dpopToken(usedProof));
      await unavailable("/token with a fresh DPoP proof", () => dpopToken(freshProof()));
      const started = performance.now();
      const page = await fetch(authorizeUrl(t.publicUrl, web.client_id, "openid"), { redirect: "manual" });
      assert.ok(performance.now() - started <= FAIL_FAST_MS, "/authorize answers within 2 s");
      const location = page.headers.get("location");
      if (location) assert.equal(new URL(location).searchParams.get("error"), "temporarily_unavailable", "/authorize redirects with temporarily_unavailable (RFC 6749 §4.1.2.1)");
      else assert.equal(page.status, 503, "/authorize shows an error page");
      await page.arrayBuffer();
      for (const path of ["/jwks", "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]) {
        const res = await fetch(`${t.publicUrl}${path}`);
        assert.equal(res.status, 200, `${path} with Redis down`);
        await res.arrayBuffer();
      }

      ctx.diagnostic(`503 answers with Redis down took ${unavailableMs.map(Math.round).join(", ")} ms`);
      await restartRedis();
      assert.deepEqual(await errorOf(await redeem(unusedCode)), { status: 400, error: "invalid_grant" }, "the code died with Redis: never redeemed");
      assert.equal((await redeem(await code())).status, 200, "a new code flow works without an app restart");
      assert.equal((await deviceAuthorization()).status, 200);
      assert.deepEqual(failures, [], "no unhandled 'error' event or rejection");
    });

    test("S106: Redis hung (SIGSTOP: connections open, nothing answered): 503 within 2 s, discovery and JWKS served; resumed: served again", CASE, async () => {
      const unusedCode = await code();
      redis.pause();
      try {
        await unavailable("/par", push);
        await unavailable("/token authorization_code", () => redeem(unusedCode));
        await unavailable("/token with a DPoP proof", () => dpopToken(freshProof()));
        for (const path of ["/jwks", "/.well-known/openid-configuration"]) assert.equal((await fetch(`${t.publicUrl}${path}`)).status, 200, path);
      } finally {
        redis.resume();
      }
      await waitUntil(async () => (await fetch(`${t.publicUrl}/readyz`)).status === 200, 5000, "the app did not recover from the hung Redis");
      assert.equal((await redeem(unusedCode)).status, 200, "a code that met a hung Redis (503) is still good");
      assert.deepEqual(failures, [], "no unhandled 'error' event or rejection");
    });

    test("S107: Redis killed after PAR, device authorization and a code, restarted empty: invalid_request_uri, expired_token, invalid_grant, a used DPoP proof or client assertion stays used, never 500", CASE, async () => {
      const { request_uri } = (await (await push()).json()) as { request_uri: string };
      const { device_code } = (await (await deviceAuthorization()).json()) as { device_code: string };
      assert.deepEqual(await errorOf(await poll(device_code)), { status: 400, error: "authorization_pending" });
      const unusedCode = await code();
      // Made 33 s ago: it surely existed 2 s ago, even for a client lagging by CLOCK_TOLERANCE (30 s), and so before the
      // restart below; a Redis up for less than that could not vouch for it even now.
      await waitUntil(async () => (await redisUptimeSeconds()) >= 3, 5000, "Redis up for 3 s");
      const usedProof = dpop.proof("POST", `${t.issuer}/token`, Date.now() - 33_000);
      assert.equal((await dpopToken(usedProof)).status, 200);
      const usedAssertion = await assertionMadeAgo(33);
      assert.equal((await assertionToken(usedAssertion)).status, 200);

      await redis.kill();
      await restartRedis();
      assert.deepEqual(await errorOf(await dpopToken(usedProof)), { status: 400, error: "invalid_dpop_proof" }, "a proof used before the restart is not replayable once Redis forgot it");
      assert.equal((await dpopToken(freshProof())).status, 200, "a fresh proof is accepted");
      assert.deepEqual(await errorOf(await assertionToken(usedAssertion)), { status: 401, error: "invalid_client" }, "nor is a client assertion used before it");
      assert.equal((await assertionToken(await assertionMadeAgo(0))).status, 200, "a fresh assertion is accepted");
      const authorize = await fetch(`${t.publicUrl}/authorize?${new URLSearchParams({ client_id: web.client_id, request_uri })}`, { redirect: "manual" });
      const location = authorize.headers.get("location");
      const refused = location ? new URL(location).searchParams.get("error") : (await authorize.text()).includes("invalid_request_uri") && "invalid_request_uri";
      assert.equal(refused, "invalid_request_uri", `the lost request_uri: ${authorize.status} ${location ?? ""}`);
      assert.ok(authorize.status < 500);
      assert.deepEqual(await errorOf(await poll(device_code)), { status: 400, error: "expired_token" }, "the lost device_code");
      assert.deepEqual(await errorOf(await redeem(unusedCode)), { status: 400, error: "invalid_grant" }, "the lost code");
      assert.equal((await redeem(await code())).status, 200, "new flows work with no app restart");
      assert.deepEqual(failures, [], "no unhandled 'error' event or rejection");
    });
  });
}
