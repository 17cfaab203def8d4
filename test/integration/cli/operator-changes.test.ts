import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from "jose";
import { formOf, HttpBrowser } from "../../support/http-browser.js";
import { createScratchDatabase } from "../../support/scratch-database.js";
import { cli, cliJson, spawnServer, type SpawnedServer } from "../../support/spawned-server.js";
import { basic } from "../../support/test-app.js";
import { serviceUrl } from "../storage/services.js";

interface Client {
  client_id: string;
  client_secret: string;
}
interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
}
interface KeyListing {
  kid: string;
  alg: string;
  status: string;
}

const CB = "https://app.example.test/cb";
const PKCE = { code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256", code_verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" };

/**
 * Issue 7: a change the operator CLI makes in another process is used by the running servers' very next request,
 * with no sleep anywhere: resources, clients, users, keys and consents. `nodes` serve one issuer; requests rotate
 * over them, so with two nodes every change is made "elsewhere" for at least one of them.
 */
function operatorChangesSuite(name: string, open: () => Promise<{ env: Record<string, string>; nodes: SpawnedServer[]; close(): Promise<void> }>) {
  describe(name, () => {
    let env: Record<string, string>;
    let nodes: SpawnedServer[];
    let close: () => Promise<void>;
    let introspector: Client;
    let turn = 0;
    /** The next node, round robin: consecutive requests land on different nodes. */
    const node = () => nodes[turn++ % nodes.length]!.url;
    /** `url` (an address at the issuer) on the next node. */
    const onNode = (url: string) => node() + new URL(url).pathname + new URL(url).search;

    before(async () => {
      ({ env, nodes, close } = await open());
      introspector = await cliJson<Client>(env, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials"], scope: "portcullis:tokens" }));
    });
    after(() => close());

    const post = (path: string, form: Record<string, string>, client?: Client) =>
      fetch(`${node()}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...(client && basic(client.client_id, client.client_secret)) }, body: new URLSearchParams(form) });
    const tokenFor = (client: Client, form: Record<string, string> = {}) => post("/token", { grant_type: "client_credentials", ...form }, client);
    const issued = async (response: Response): Promise<Tokens> => {
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as Tokens;
    };
    const errorOf = async (response: Response, status: number): Promise<string> => {
      assert.equal(response.status, status, await response.clone().text());
      return ((await response.json()) as { error: string }).error;
    };
    const active = async (token: string) => ((await (await post("/introspect", { token }, introspector)).json()) as { active: boolean }).active;
    const machineClient = () => cliJson<Client>(env, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials"], client_name: "billing" }));

    test("a resource created by the CLI is used by the next token request (the README quick start, in its order)", async () => {
      assert.equal((await cli(env, "resource", "create", "--id", "https://api.example.test/", "--scopes", "api:read api:write")).code, 0);
      const billing = await machineClient();
      const { access_token } = await issued(await tokenFor(billing, { scope: "api:read" }));
      const claims = JSON.parse(Buffer.from(access_token.split(".")[1]!, "base64url").toString()) as { aud: string; scope: string };
      assert.equal(claims.aud, "https://api.example.test/");
      assert.equal(claims.scope, "api:read");
    });

    test("a resource changed or deleted by the CLI is used by the next token request", async () => {
      const billing = await machineClient();
      const id = "https://reports.example.test/";
      assert.equal((await cli(env, "resource", "create", "--id", id, "--scopes", "reports:read")).code, 0);
      await issued(await tokenFor(billing, { scope: "reports:read" }));
      assert.equal((await cli(env, "resource", "create", "--id", id, "--scopes", "reports:export")).code, 0);
      assert.equal(await errorOf(await tokenFor(billing, { scope: "reports:read" }), 400), "invalid_scope");
      await issued(await tokenFor(billing, { scope: "reports:export" }));
      assert.equal((await cli(env, "resource", "delete", "--id", id)).code, 0);
      assert.equal(await errorOf(await tokenFor(billing, { scope: "reports:export" }), 400), "invalid_scope");
      assert.equal(await errorOf(await tokenFor(billing, { resource: id }), 400), "invalid_target");
    });

    test("keys rotated by the CLI sign the next token; tokens signed before still verify", async () => {
      const billing = await machineClient();
      const before = (await issued(await tokenFor(billing))).access_token;
      const rotated = await cliJson<KeyListing[]>(env, "keys", "rotate");
      const activeEs256 = rotated.find((k) => k.alg === "ES256" && k.status === "active")!.kid;
      assert.notEqual(decodeProtectedHeader(before).kid, activeEs256);
      const next = (await issued(await tokenFor(billing))).access_token;
      assert.equal(decodeProtectedHeader(next).kid, activeEs256);
      for (const server of nodes) {
        const jwks = createLocalJWKSet((await (await fetch(`${server.url}/jwks`)).json()) as JSONWebKeySet);
        for (const token of [before, next]) await jwtVerify(token, jwks, { issuer: nodes[0]!.url });
      }
      assert.equal(await active(before), true);
      assert.equal(await active(next), true);
    });

    test("a client changed or deleted by the CLI: the next token request follows the change", async () => {
      const billing = await machineClient();
      const earlier = (await issued(await tokenFor(billing))).access_token;
      const changed = { grant_types: ["authorization_code"], redirect_uris: [CB], response_types: ["code"], client_name: "billing" };
      assert.equal((await cli(env, "client", "update", "--client", billing.client_id, "--json", JSON.stringify(changed))).code, 0);
      assert.equal(await errorOf(await tokenFor(billing), 400), "unauthorized_client");
      assert.equal((await cli(env, "client", "delete", "--client", billing.client_id)).code, 0);
      assert.equal(await errorOf(await tokenFor(billing), 401), "invalid_client");
      assert.equal(await active(earlier), false, "tokens of a deleted client are inactive at once");
    });

    /** Signs `username` in through the browser pages (login and consent as they come), hopping between nodes; the redirect at the client. */
    const signIn = async (browser: HttpBrowser, rp: Client, username: string, extra: Record<string, string> = {}): Promise<URL> => {
      const query = new URLSearchParams({ client_id: rp.client_id, response_type: "code", redirect_uri: CB, scope: "openid offline_access", prompt: "consent", state: "s", ...PKCE, ...extra });
      query.delete("code_verifier");
      let response = await browser.request(`${node()}/authorize?${query}`);
      let signedIn = false;
      for (let hops = 0; hops < 10; hops++) {
        const location = response.headers.get("location");
        if (location?.startsWith(CB)) return new URL(location);
        if (location) {
          response = await browser.request(onNode(location));
          continue;
        }
        const form = formOf(await response.text());
        assert.ok(form, `a page with a form (status ${response.status})`);
        const login = form.action.endsWith("/login");
        if (login && signedIn) throw new Error("the sign-in was refused");
        signedIn ||= login;
        const answer: Record<string, string> = login ? { username, password: `${username}-password-1` } : { decision: "approve" };
        response = await browser.request(onNode(form.action), { ...form.hidden, ...answer });
      }
      throw new Error("the sign-in did not come back to the client");
    };
    const redeem = async (rp: Client, callback: URL) =>
      issued(await post("/token", { grant_type: "authorization_code", code: callback.searchParams.get("code")!, redirect_uri: CB, code_verifier: PKCE.code_verifier }, rp));
    const refresh = (rp: Client, refreshToken: string) => post("/token", { grant_type: "refresh_token", refresh_token: refreshToken }, rp);
    const silently = async (browser: HttpBrowser, rp: Client) => {
      const query = new URLSearchParams({ client_id: rp.client_id, response_type: "code", redirect_uri: CB, scope: "openid offline_access", prompt: "none", state: "s", code_challenge: PKCE.code_challenge, code_challenge_method: "S256" });
      return new URL((await browser.request(`${node()}/authorize?${query}`)).headers.get("location")!).searchParams;
    };

    test("a user created, a consent revoked and a user disabled by the CLI take effect at the next request", async () => {
      assert.equal((await cli(env, "user", "create", "--username", "erin", "--password", "erin-password-1")).code, 0);
      const rp = await cliJson<Client>(
        env, "client", "create", "--json",
        JSON.stringify({ redirect_uris: [CB], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], scope: "openid offline_access" }),
      );
      const browser = new HttpBrowser();
      const first = await redeem(rp, await signIn(browser, rp, "erin"));
      assert.ok(first.refresh_token && first.id_token);
      assert.equal(await active(first.access_token), true);

      assert.deepEqual(await cliJson(env, "consents", "revoke", "--user", "erin", "--client", rp.client_id), { consentRemoved: true, grantsRevoked: 1 });
      assert.equal(await active(first.access_token), false, "the access token of the revoked grant is inactive at once");
      assert.equal(await errorOf(await refresh(rp, first.refresh_token!), 400), "invalid_grant");
      assert.equal((await silently(browser, rp)).get("error"), "consent_required", "the SSO session remains, the consent is gone");

      const second = await redeem(rp, await signIn(browser, rp, "erin"));
      const disabled = await cliJson<{ sessionsEnded: number; grantsRevoked: number }>(env, "user", "disable", "--username", "erin");
      assert.deepEqual([disabled.sessionsEnded, disabled.grantsRevoked], [1, 1]);
      assert.equal(await active(second.access_token), false);
      assert.equal(await errorOf(await refresh(rp, second.refresh_token!), 400), "invalid_grant");
      assert.equal((await silently(browser, rp)).get("error"), "login_required", "the SSO session has ended");
      await assert.rejects(signIn(new HttpBrowser(), rp, "erin"), /the sign-in was refused/, "a disabled user cannot sign in");

      assert.equal((await cli(env, "user", "enable", "--username", "erin")).code, 0);
      assert.ok((await signIn(new HttpBrowser(), rp, "erin")).searchParams.get("code"));
    });
  });
}

operatorChangesSuite("operator changes on the embedded default (SQLite file, no Redis): CLI and server in separate processes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-changes-"));
  // Polling slowed to a minute: only the per-request probe of the SQLite file can explain what the tests see.
  const env = { DATABASE_URL: `sqlite:${join(dir, "db.sqlite")}`, CHANGE_POLL_INTERVAL: "60000" };
  const server = await spawnServer(env);
  return {
    env,
    nodes: [server],
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const mysqlUrl = serviceUrl("MYSQL_URL", "operator changes over two nodes sharing MariaDB and Redis");
const redisUrl = mysqlUrl ? serviceUrl("REDIS_URL", "operator changes over two nodes sharing MariaDB and Redis") : undefined;
if (mysqlUrl && redisUrl) {
  operatorChangesSuite("operator changes over two nodes sharing MariaDB and Redis, the CLI a third process", async () => {
    const db = await createScratchDatabase(mysqlUrl, "portcullis_changes");
    // Polling slowed to a minute: only the Redis change signal can explain what the tests see.
    const shared = { DATABASE_URL: db.url, REDIS_URL: redisUrl, CHANGE_POLL_INTERVAL: "60000" };
    const first = await spawnServer(shared);
    const env = { ...shared, ISSUER: first.url };
    const second = await spawnServer(env);
    return {
      env,
      nodes: [first, second],
      async close() {
        await Promise.all([first.stop(), second.stop()]);
        await db.drop();
      },
    };
  });
}
