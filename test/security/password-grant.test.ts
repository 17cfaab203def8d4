import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DI } from "../../src/core/di-tokens.js";
import { TotpSecretService } from "../../src/core/users/totp-secret.service.js";
import { UserAccessService } from "../../src/core/users/user-access.service.js";
import { UserService } from "../../src/core/users/user.service.js";
import { FakeClock } from "../support/fake-clock.js";
import { HttpBrowser } from "../support/http-browser.js";
import { expectOAuthError } from "../support/oauth-assertions.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

/** The grant is opt-in (RFC 9700 §2.4): loaded by path, as an operator's PLUGINS would. */
const PASSWORD_PLUGIN = fileURLToPath(new URL("../../plugins/grants/password/index.ts", import.meta.url));
const REDIRECT = "https://app.example.test/cb";
const PKCE = { code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" };
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

/** The resource owner password credentials grant (RFC 6749 §4.3) behind an operator switch, with the login pages' lockout. */
describe("password grant (RFC 6749 §4.3)", () => {
  let t: TestApp;
  const clock = new FakeClock();
  let legacy: { client_id: string; client_secret?: string };
  let web: { client_id: string };

  before(async () => {
    t = await startTestApp({ plugins: PASSWORD_PLUGIN }, { clock });
    const users = t.app.container.resolve(UserService);
    for (const username of ["alice", "bob", "carol", "dave", "erin"]) await users.create({ username, password: `${username}-password-1` });
    await t.app.container.resolve(TotpSecretService).enable("bob");
    await t.app.container.resolve(UserAccessService).disable("erin");
    legacy = await t.createClient({ grant_types: ["password", "refresh_token"], password_grant_allowed: true, scope: "openid profile offline_access" });
    web = await t.createClient({ redirect_uris: [REDIRECT], grant_types: ["authorization_code"], response_types: ["code"] });
  });
  after(() => t.stop());

  const grant = (form: Record<string, string>, client = legacy) => t.postForm("/token", { grant_type: "password", ...form }, basic(client.client_id, client.client_secret!));
  const signIn = (username: string, password = `${username}-password-1`, form: Record<string, string> = {}) => grant({ username, password, ...form });

  /** One submission of the login page for `username`: its HTTP status (303 signed in, 400 wrong, 429 locked). */
  const loginPage = async (username: string, password: string) => {
    const browser = new HttpBrowser();
    const authorize = `${t.publicUrl}/authorize?${new URLSearchParams({ client_id: web.client_id, response_type: "code", redirect_uri: REDIRECT, scope: "openid", ...PKCE })}`;
    const page = (await browser.request(authorize)).headers.get("location")!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await browser.request(page)).text())![1]!;
    const res = await browser.request(`${page}/login`, { csrf, authenticator: "password", username, password });
    await res.body?.cancel();
    return res.status;
  };

  test("the grant is advertised only where the plugin is loaded", async () => {
    const metadata = (await (await fetch(`${t.publicUrl}/.well-known/oauth-authorization-server`)).json()) as { grant_types_supported: string[] };
    assert.ok(metadata.grant_types_supported.includes("password"));
  });

  test("off unless an operator enabled it for the client: 400 unauthorized_client; dynamic registration cannot enable it", async () => {
    const notEnabled = await t.createClient({ grant_types: ["password"] });
    const body = await expectOAuthError(await grant({ username: "alice", password: "alice-password-1" }, notEnabled), 400, "unauthorized_client");
    assert.deepEqual(body, { error: "unauthorized_client", error_description: "the password grant is not enabled for this client" });
    const other = await t.createClient({ grant_types: ["client_credentials"] });
    assert.deepEqual(await expectOAuthError(await grant({ username: "alice", password: "alice-password-1" }, other), 400, "unauthorized_client"), {
      error: "unauthorized_client",
      error_description: "the client is not registered for password",
    });
    const { client } = await t.app.container.resolve(DI.ClientRegistry).register({ grant_types: ["password"], password_grant_allowed: true }, "dynamic");
    assert.equal(client.metadata.password_grant_allowed, undefined);
    await assert.rejects(t.createClient({ grant_types: ["client_credentials"], password_grant_allowed: true }), { error: "invalid_client_metadata" });
  });

  test("a confidential client must authenticate (401 invalid_client); username and password are required (400 invalid_request)", async () => {
    const res = await t.postForm("/token", { grant_type: "password", client_id: legacy.client_id, username: "alice", password: "alice-password-1" });
    await expectOAuthError(res, 401, "invalid_client", { wwwAuthenticate: false });
    assert.deepEqual(await expectOAuthError(await grant({ username: "alice" }), 400, "invalid_request"), { error: "invalid_request", error_description: "username and password are required" });
  });

  test("tokens with the vouched authentication: ID token (amr pwd) with openid, a refresh token with offline_access", async () => {
    const res = await signIn("alice", undefined, { scope: "openid profile offline_access" });
    assert.equal(res.status, 200);
    const tokens = (await res.json()) as Record<string, string>;
    assert.equal(tokens.scope, "openid profile offline_access");
    assert.ok(tokens.refresh_token);
    const idToken = claimsOf(tokens.id_token!);
    assert.deepEqual([idToken.aud, idToken.amr, idToken.acr, idToken.preferred_username, idToken.auth_time], [legacy.client_id, ["pwd"], "urn:portcullis:acr:pwd", "alice", Math.floor(clock.now() / 1000)]);
    const plain = (await (await signIn("alice", undefined, { scope: "profile" })).json()) as Record<string, string>;
    assert.deepEqual([plain.id_token, plain.refresh_token], [undefined, undefined]);
  });

  test("a wrong password, an unknown or a disabled user: 400 invalid_grant with one message", async () => {
    const expected = { error: "invalid_grant", error_description: "the username or password is not valid" };
    assert.deepEqual(await expectOAuthError(await signIn("alice", "wrong"), 400, "invalid_grant"), expected);
    assert.deepEqual(await expectOAuthError(await signIn("nobody"), 400, "invalid_grant"), expected);
    assert.deepEqual(await expectOAuthError(await signIn("erin"), 400, "invalid_grant"), expected);
  });

  test("a user with a second factor: 400 invalid_grant pointing to the flows that can ask for it", async () => {
    assert.deepEqual(await expectOAuthError(await signIn("bob"), 400, "invalid_grant"), {
      error: "invalid_grant",
      error_description: "this account also signs in with totp: use the authorization endpoint (browser) or the authorization challenge endpoint",
    });
  });

  test("failures at the password grant lock the login page, and failures at the login page lock the password grant", async () => {
    for (let i = 0; i < 5; i++) await expectOAuthError(await signIn("carol", `wrong-${i}`), 400, "invalid_grant");
    const locked = await signIn("carol");
    assert.equal(locked.headers.get("retry-after"), "300");
    assert.deepEqual(await expectOAuthError(locked, 429, "too_many_requests"), { error: "too_many_requests", error_description: "too many failed sign-in attempts, retry later" });
    assert.equal(await loginPage("carol", "carol-password-1"), 429);

    for (let i = 0; i < 5; i++) assert.equal(await loginPage("dave", `wrong-${i}`), 400);
    await expectOAuthError(await signIn("dave"), 429, "too_many_requests");

    clock.advance(301_000);
    assert.equal((await signIn("carol")).status, 200);
    assert.equal((await signIn("dave")).status, 200);
  });
});
