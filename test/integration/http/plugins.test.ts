import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp } from "../../../src/app/build-app.js";
import { loadConfig } from "../../../src/config/config.js";
import { DI } from "../../../src/core/di-tokens.js";
import { UserService } from "../../../src/core/users/user.service.js";
import { HttpBrowser } from "../../support/http-browser.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/plugins/${name}`, import.meta.url));
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const CB = "https://app.example.test/cb";
const PKCE = { challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" };

describe("an external plugin named by path and importing portcullis/plugin-sdk (DESIGN 'Plugin contracts')", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ plugins: fixture("test-delegation.plugin.ts"), pluginOptions: JSON.stringify({ "grants.test-delegation": { note: "hello" } }), openRegistration: "true" });
    await t.app.container.resolve(UserService).create({ username: "dora", password: "dora-password-1" });
  });
  after(() => t.stop());

  const publicClient = (metadata: Record<string, unknown> = {}) => t.createClient({ grant_types: [GRANT], token_endpoint_auth_method: "none", ...metadata });
  const delegate = (clientId: string, form: Record<string, string | string[]>) => t.postForm("/token", { grant_type: GRANT, client_id: clientId, ...form });
  const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

  test("the custom grant, its endpoint and its discovery member appear in both discovery documents", async () => {
    for (const path of ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]) {
      const metadata = (await (await fetch(`${t.publicUrl}${path}`)).json()) as Record<string, unknown> & { grant_types_supported: string[] };
      assert.ok(metadata.grant_types_supported.includes(GRANT), path);
      assert.ok(metadata.grant_types_supported.includes("client_credentials"));
      assert.equal(metadata.delegation_info_endpoint, `${t.issuer}/delegation/info`, path);
      assert.deepEqual(metadata.delegation_depths_supported, [1, 2, 3, 4, 5], path);
      assert.equal(metadata.issuer, t.issuer);
    }
  });

  test("the plugin's endpoint is served by the same router: injected options, issuer and clock; 405 with Allow", async () => {
    const res = await fetch(`${t.publicUrl}/delegation/info`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { issuer: string; note: string; now: number };
    assert.equal(body.issuer, t.issuer);
    assert.equal(body.note, "hello");
    assert.equal(typeof body.now, "number");
    const wrongMethod = await t.postForm("/delegation/info", {});
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "GET");
    assert.equal(((await wrongMethod.json()) as { error: string }).error, "method_not_allowed");
  });

  test("a token is issued through the custom grant, with the grant's response member; core's members cannot be replaced", async () => {
    const client = await publicClient();
    const res = await delegate(client.client_id, { subject: "alice" });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { access_token: string; refresh_token: string; delegation_depth: number; scope?: string };
    const payload = claimsOf(body.access_token);
    assert.equal(payload.sub, "alice");
    assert.equal(payload.delegated, true);
    assert.ok(body.refresh_token);
    assert.equal(body.delegation_depth, 1);
    assert.equal(body.scope, undefined, "the grant's `scope` member does not replace core's (no scope granted)");
  });

  test("parameters the grant did not declare are stripped; declared ones may not repeat", async () => {
    const client = await publicClient();
    const stripped = await delegate(client.client_id, { subject: "bob", code: "ignored" });
    assert.equal(stripped.status, 200);
    const repeated = await delegate(client.client_id, { subject: ["a", "b"] });
    assert.equal(repeated.status, 400);
    assert.deepEqual(await repeated.json(), { error: "invalid_request", error_description: "parameter 'subject' must not be repeated" });
  });

  test("the plugin's client metadata field is parsed and validated by the plugin, at /register and for operators", async () => {
    const deep = await publicClient({ delegation_max_depth: 3 });
    assert.equal(deep.delegation_max_depth, 3);
    assert.equal((await delegate(deep.client_id, { subject: "a", depth: "3" })).status, 200);
    const tooDeep = await delegate(deep.client_id, { subject: "a", depth: "4" });
    assert.deepEqual(await tooDeep.json(), { error: "invalid_grant", error_description: "depth must be from 1 to 3" });
    await assert.rejects(publicClient({ delegation_max_depth: 9 }), { error: "invalid_client_metadata", description: "delegation_max_depth must be an integer from 1 to 5" });
    await assert.rejects(t.createClient({ grant_types: ["client_credentials"], delegation_max_depth: 2 }), { error: "invalid_client_metadata", description: `delegation_max_depth needs the grant type ${GRANT}` });
    const registered = await fetch(`${t.publicUrl}/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ grant_types: [GRANT], token_endpoint_auth_method: "none", delegation_max_depth: 0 }),
    });
    assert.equal(registered.status, 400);
    assert.deepEqual(await registered.json(), { error: "invalid_client_metadata", error_description: "delegation_max_depth must be an integer from 1 to 5" });
  });

  test("single-use values live in the plugin's namespace: a ticket from its endpoint is taken once, by its own client", async () => {
    const [client, other] = [await publicClient(), await publicClient()];
    const ticketFor = async (clientId: string) => ((await (await t.postForm("/delegation/ticket", { client_id: clientId })).json()) as { ticket: string }).ticket;
    const ticket = await ticketFor(client.client_id);
    assert.equal((await delegate(client.client_id, { subject: "a", ticket })).status, 200);
    const replayed = await delegate(client.client_id, { subject: "a", ticket });
    assert.equal(((await replayed.json()) as { error: string }).error, "invalid_grant");
    const stolen = await delegate(other.client_id, { subject: "a", ticket: await ticketFor(client.client_id) });
    assert.equal(((await stolen.json()) as { error: string }).error, "invalid_grant");
    const unauthenticated = await t.postForm("/delegation/ticket", {});
    assert.equal(unauthenticated.status, 401);
  });

  test("a token-response contributor adds its member for clients that opt in, never replacing core's", async () => {
    const optedIn = await publicClient({ hooks: ["test-delegation.notice"] });
    const body = (await (await delegate(optedIn.client_id, { subject: "a" })).json()) as { access_token: string; delegation_notice?: string };
    assert.equal(body.delegation_notice, `hello for ${optedIn.client_id}`);
    assert.equal(claimsOf(body.access_token).sub, "a");
    const other = (await (await delegate((await publicClient()).client_id, { subject: "a" })).json()) as { delegation_notice?: string };
    assert.equal(other.delegation_notice, undefined);
  });

  test("an ID token this server issued carries its end-user authentication into the plugin's grant: a new ID token with the same facts", async () => {
    const idToken = await signInForIdToken(t, "dora", "dora-password-1");
    const original = claimsOf(idToken);
    const client = await publicClient();
    const res = await delegate(client.client_id, { subject_token: idToken, scope: "openid" });
    assert.equal(res.status, 200, await res.clone().text());
    const issued = claimsOf(((await res.json()) as { id_token: string }).id_token);
    assert.equal(issued.sub, original.sub);
    assert.equal(issued.aud, client.client_id);
    assert.equal(issued.auth_time, original.auth_time);
    assert.deepEqual(issued.amr, original.amr);
    const bogus = await delegate(client.client_id, { subject_token: "not-a-token", scope: "openid" });
    assert.equal(((await bogus.json()) as { error: string }).error, "invalid_grant");
  });

  test("access and refresh tokens of an OpenID grant carry the authentication too; once revoked they carry nothing", async () => {
    const { rp, tokens } = await signIn(t, "dora", "dora-password-1");
    const authTime = claimsOf(tokens.id_token).auth_time;
    const client = await publicClient();
    for (const subjectToken of [tokens.access_token, tokens.refresh_token]) {
      const res = await delegate(client.client_id, { subject_token: subjectToken, scope: "openid" });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(claimsOf(((await res.json()) as { id_token: string }).id_token).auth_time, authTime);
    }
    await t.postForm("/revoke", { token: tokens.refresh_token }, basic(rp.client_id, rp.client_secret!));
    for (const subjectToken of [tokens.access_token, tokens.refresh_token]) {
      const res = await delegate(client.client_id, { subject_token: subjectToken, scope: "openid" });
      assert.equal(((await res.json()) as { error: string }).error, "invalid_grant");
    }
  });

  test("authentication and token facts a plugin invents or alters are refused by core: server_error, no token", async () => {
    const idToken = await signInForIdToken(t, "dora", "dora-password-1");
    const client = await publicClient();
    const forms = [{ forge: "authentication", scope: "openid" }, { forge: "copy", subject_token: idToken, scope: "openid" }, { forge: "derived", subject_token: idToken, scope: "openid" }];
    for (const form of forms as Record<string, string>[]) {
      const res = await delegate(client.client_id, form);
      assert.equal(res.status, 500, form.forge);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.error, "server_error");
      assert.equal(body.access_token, undefined);
    }
  });
});

/** Signs `username` in through the code flow of a fresh OpenID client and returns the ID token. */
async function signInForIdToken(t: TestApp, username: string, password: string): Promise<string> {
  return (await signIn(t, username, password)).tokens.id_token;
}

/** Signs `username` in through the code flow (openid offline_access) of a fresh client: its tokens and credentials. */
async function signIn(t: TestApp, username: string, password: string) {
  const rp = await t.createClient({ redirect_uris: [CB], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] });
  const query = new URLSearchParams({ client_id: rp.client_id, response_type: "code", redirect_uri: CB, scope: "openid offline_access", prompt: "consent", nonce: "n", code_challenge: PKCE.challenge, code_challenge_method: "S256" });
  const { location } = await new HttpBrowser().authorize(`${t.publicUrl}/authorize?${query}`, t.issuer, { credentials: { username, password }, consent: "approve" });
  const code = location!.searchParams.get("code")!;
  const res = await t.postForm("/token", { grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: PKCE.verifier }, basic(rp.client_id, rp.client_secret!));
  return { rp, tokens: (await res.json()) as { id_token: string; access_token: string; refresh_token: string } };
}

describe("plugin boot validation", () => {
  const config = (plugins: string, disabled = "") => loadConfig({}, { databaseUrl: "sqlite::memory:", logLevel: "silent", plugins, disabledPlugins: disabled });

  test("a duplicate grant type fails the boot with a clear message", async () => {
    await assert.rejects(buildApp({ config: config(fixture("duplicate-grant.plugin.ts")) }), /duplicate grant type "client_credentials": contributed by grants.client-credentials and grants.duplicate-client-credentials/);
  });

  test("a missing module fails the boot naming the path", async () => {
    await assert.rejects(buildApp({ config: config("./no/such/plugin.ts") }), /plugin \.\/no\/such\/plugin\.ts: cannot be loaded/);
  });

  const badSurface = (variant: string) => loadConfig({}, { databaseUrl: "sqlite::memory:", logLevel: "silent", plugins: fixture("bad-surface.plugin.ts"), pluginOptions: JSON.stringify({ "endpoints.bad-surface": { case: variant } }) });
  for (const [variant, message] of [
    ["core-path", /plugin endpoints.bad-surface: endpoint \/token is already served by core/],
    ["core-prefix", /plugin endpoints.bad-surface: endpoint \/interaction\/extra is already served by core/],
    ["core-member", /plugin endpoints.bad-surface: discovery member "issuer" is already published by core/],
    ["endpoint-member", /plugin endpoints.bad-surface: discovery member "token_endpoint" is already published by core/],
    ["core-field", /plugin endpoints.bad-surface: client metadata field "scope" is parsed by core/],
    ["uninjectable", /plugin endpoints.bad-surface: cannot construct Uninjectable/],
  ] as const) {
    test(`a plugin surface that replaces core's fails the boot (${variant})`, async () => {
      await assert.rejects(buildApp({ config: badSurface(variant) }), message);
    });
  }

  test("disabling an unknown plugin fails the boot", async () => {
    await assert.rejects(buildApp({ config: config("", "grants.nope") }), /DISABLED_PLUGINS names unknown plugin "grants.nope"/);
  });
});

describe("stored clients must resolve to enabled plugins", () => {
  test("a client whose auth method's plugin was disabled fails the next boot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-boot-"));
    const overrides = { databaseUrl: `sqlite:${join(dir, "db.sqlite")}`, logLevel: "silent" };
    const first = await buildApp({ config: loadConfig({}, overrides) });
    const registry = first.container.resolve(DI.ClientRegistry);
    const { client } = await registry.register({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_post" }, "operator");
    await first.stop();
    await assert.rejects(
      buildApp({ config: loadConfig({}, { ...overrides, disabledPlugins: "client-auth.client-secret-post" }) }),
      new RegExp(`client ${client.clientId} uses auth method "client_secret_post"`),
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
