import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DI } from "../../src/core/di-tokens.js";
import { UserService } from "../../src/core/users/user.service.js";
import { DpopTestKey } from "../support/dpop.js";
import { formOf, HttpBrowser } from "../support/http-browser.js";
import { createScratchDatabase } from "../support/scratch-database.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";
import { serviceUrl } from "./storage/services.js";

const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const mysqlUrl = serviceUrl("MYSQL_URL", "two nodes sharing MariaDB and Redis");
const redisUrl = mysqlUrl ? serviceUrl("REDIS_URL", "two nodes sharing MariaDB and Redis") : undefined;

/** README "several nodes": stateless nodes sharing MySQL and Redis agree on keys, clients, tokens and revocations. */
if (mysqlUrl && redisUrl) {
  describe("two nodes sharing MariaDB and Redis", () => {
    let db: Awaited<ReturnType<typeof createScratchDatabase>>;
    let a: TestApp;
    let b: TestApp;
    let rs: { client_id: string; client_secret?: string };

    before(async () => {
      db = await createScratchDatabase(mysqlUrl, "portcullis_nodes");
      const shared = { databaseUrl: db.url, redisUrl, plugins: plugin, issuer: "https://id.example.test", keyEncryptionKey: randomBytes(32).toString("base64url"), dpopNonceRequired: "true" };
      [a, b] = await Promise.all([startTestApp(shared), startTestApp(shared)]);
      await a.createResource("https://api.example.test/", "api:read", { format: "opaque" });
      rs = await a.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await db?.drop();
    });

    const introspect = async (node: TestApp, token: string) =>
      ((await (await node.postForm("/introspect", { token }, basic(rs.client_id, rs.client_secret!))).json()) as { active: boolean }).active;
    const tokenFrom = async (node: TestApp, client: { client_id: string; client_secret?: string }, form: Record<string, string> = {}) => {
      const res = await node.postForm("/token", { grant_type: "client_credentials", ...form }, basic(client.client_id, client.client_secret!));
      assert.equal(res.status, 200);
      return ((await res.json()) as { access_token: string }).access_token;
    };

    test("nodes started together on an empty database publish the same keys, one active per alg", async () => {
      const [jwksA, jwksB] = await Promise.all([a, b].map(async (node) => (await (await fetch(`${node.publicUrl}/jwks`)).json()) as { keys: { kid: string; alg: string }[] }));
      assert.deepEqual(jwksA, jwksB);
      assert.deepEqual(jwksA!.keys.map((k) => k.alg).sort(), ["ES256", "RS256"]);
    });

    test("a client registered on A gets JWT and opaque tokens on B that A sees as active", async () => {
      const client = await a.createClient({ grant_types: ["client_credentials"] });
      assert.equal(await introspect(a, await tokenFrom(b, client)), true);
      assert.equal(await introspect(a, await tokenFrom(b, client, { resource: "https://api.example.test/", scope: "api:read" })), true);
    });

    test("a revocation on B is seen on A at once, although A had validated the token before", async () => {
      const client = await a.createClient({ grant_types: ["client_credentials"] });
      const token = await tokenFrom(a, client);
      assert.equal(await introspect(a, token), true);
      assert.equal((await b.postForm("/revoke", { token }, basic(client.client_id, client.client_secret!))).status, 200);
      assert.equal(await introspect(a, token), false);
    });

    test("refresh-token reuse across nodes revokes the grant everywhere", async () => {
      const client = await a.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
      const refresh = (node: TestApp, token: string) => node.postForm("/token", { grant_type: "refresh_token", refresh_token: token, client_id: client.client_id });
      const first = (await (await a.postForm("/token", { grant_type: GRANT, client_id: client.client_id, subject: "alice" })).json()) as { refresh_token: string };
      const second = (await (await refresh(a, first.refresh_token)).json()) as { refresh_token: string };
      const third = (await (await refresh(b, second.refresh_token)).json()) as { access_token: string; refresh_token: string };
      assert.equal(await introspect(a, third.access_token), true);
      const reuse = await refresh(b, first.refresh_token);
      assert.equal(reuse.status, 400);
      assert.equal(await introspect(a, third.access_token), false);
      assert.equal(await introspect(b, third.refresh_token), false);
    });

    test("a browser sign-in hops between nodes: authorize on A, login on B, consent on A, code redeemed on B, SSO on B", async () => {
      const CB = "https://app.example.test/cb";
      const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
      await a.app.container.resolve(UserService).create({ username: "erin", password: "erin-password-1" });
      const client = await a.createClient({ redirect_uris: [CB], grant_types: ["authorization_code"], response_types: ["code"] });
      const query = new URLSearchParams({ client_id: client.client_id, response_type: "code", redirect_uri: CB, scope: "openid", state: "s", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" });
      const browser = new HttpBrowser();
      // Every node serves the same issuer; the browser's next request goes to whichever node the balancer picks.
      const on = (node: TestApp, url: string) => node.publicUrl + new URL(url).pathname + new URL(url).search;
      const started = await browser.request(`${a.publicUrl}/authorize?${query}`);
      const loginPage = formOf(await (await browser.request(on(b, started.headers.get("location")!))).text())!;
      const loggedIn = await browser.request(on(b, loginPage.action), { ...loginPage.hidden, username: "erin", password: "erin-password-1" });
      const consentPage = formOf(await (await browser.request(on(a, loggedIn.headers.get("location")!))).text())!;
      const approved = await browser.request(on(a, consentPage.action), { ...consentPage.hidden, decision: "approve" });
      const code = new URL(approved.headers.get("location")!).searchParams.get("code")!;
      const tokens = await b.postForm("/token", { grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: VERIFIER }, basic(client.client_id, client.client_secret!));
      assert.equal(tokens.status, 200);
      assert.ok(((await tokens.json()) as { id_token?: string }).id_token);
      const silent = await browser.request(`${b.publicUrl}/authorize?${query}&prompt=none`);
      assert.ok(new URL(silent.headers.get("location")!).searchParams.get("code"), "the SSO session and consent are shared");
    });

    test("a device flow hops between nodes: pacing, code entry, sign-in and approval are shared; one node's poll wins", async () => {
      const DEVICE = "urn:ietf:params:oauth:grant-type:device_code";
      await a.app.container.resolve(UserService).create({ username: "fay", password: "fay-password-1" });
      const tv = await a.createClient({ grant_types: [DEVICE], token_endpoint_auth_method: "none" });
      const started = (await (await a.postForm("/device_authorization", { client_id: tv.client_id, scope: "openid" })).json()) as { device_code: string; user_code: string; verification_uri: string };
      const poll = (node: TestApp) => node.postForm("/token", { grant_type: DEVICE, device_code: started.device_code, client_id: tv.client_id });
      assert.equal(((await (await poll(a)).json()) as { error: string }).error, "authorization_pending");
      assert.equal(((await (await poll(b)).json()) as { error: string }).error, "slow_down", "B knows A was just polled");

      const browser = new HttpBrowser();
      const on = (node: TestApp, url: string) => node.publicUrl + new URL(url).pathname + new URL(url).search;
      const entry = formOf(await (await browser.request(on(b, started.verification_uri))).text())!;
      const entered = await browser.request(on(a, entry.action), { ...entry.hidden, user_code: started.user_code.toLowerCase() });
      const login = formOf(await (await browser.request(on(b, entered.headers.get("location")!))).text())!;
      const loggedIn = await browser.request(on(a, login.action), { ...login.hidden, username: "fay", password: "fay-password-1" });
      const consent = formOf(await (await browser.request(on(b, loggedIn.headers.get("location")!))).text())!;
      const approved = await browser.request(on(a, consent.action), { ...consent.hidden, decision: "approve" });
      assert.equal((await browser.request(on(b, approved.headers.get("location")!))).status, 200);

      const polls = await Promise.all(Array.from({ length: 10 }, (_, i) => poll(i % 2 ? a : b)));
      assert.deepEqual(polls.map((r) => r.status).sort(), [200, ...Array<number>(9).fill(400)]);
    });

    test("DPoP across nodes: a nonce from A is accepted on B, and a proof used on B is a replay on A (RFC 9449 §8, §11.1)", async () => {
      const client = await a.createClient({ grant_types: ["client_credentials"] });
      const key = new DpopTestKey();
      const tokenUrl = "https://id.example.test/token";
      const request = (node: TestApp, proof: string) => node.postForm("/token", { grant_type: "client_credentials" }, { ...basic(client.client_id, client.client_secret!), dpop: proof });
      const asked = await request(a, key.proof("POST", tokenUrl, Date.now()));
      assert.equal(((await asked.json()) as { error: string }).error, "use_dpop_nonce");
      const nonce = asked.headers.get("dpop-nonce")!;
      const proof = key.proof("POST", tokenUrl, Date.now(), { nonce });
      const issued = await request(b, proof);
      assert.equal(issued.status, 200, await issued.clone().text());
      assert.equal(((await issued.json()) as { token_type: string }).token_type, "DPoP");
      const replayed = await request(a, proof);
      assert.equal(((await replayed.json()) as { error: string }).error, "invalid_dpop_proof");
    });

    test("deleting a client on A stops it on B at once (client caches evicted over the bus)", async () => {
      const client = await a.createClient({ grant_types: ["client_credentials"] });
      const token = await tokenFrom(b, client);
      assert.equal(await a.app.container.resolve(DI.ClientRegistry).delete(client.client_id, "operator"), true);
      const denied = await b.postForm("/token", { grant_type: "client_credentials" }, basic(client.client_id, client.client_secret!));
      assert.equal(denied.status, 401);
      assert.equal(await introspect(b, token), false);
    });
  });
}
