import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { hotp, timeStep } from "../../plugins/authn/totp/rfc6238.js";
import { firstPartyPlugins } from "../../plugins/index.js";
import { DI } from "../../src/core/di-tokens.js";
import { TotpSecretService } from "../../src/core/users/totp-secret.service.js";
import { UserService } from "../../src/core/users/user.service.js";
import { ExtensionPoints, type Authenticator, type PluginModule } from "../../src/plugin-sdk/index.js";
import { FakeClock } from "../support/fake-clock.js";
import { HttpBrowser } from "../support/http-browser.js";
import { BASIC_CHALLENGE, expectOAuthError } from "../support/oauth-assertions.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const REDIRECT = "https://app.example.test/cb";
const pkce = { code_challenge: CHALLENGE, code_challenge_method: "S256" };
const firstParty = { grant_types: ["authorization_code"], response_types: ["code"], redirect_uris: [REDIRECT], authorization_challenge_allowed: true, skip_consent: true };

/** Second factors a deployment adds without touching the endpoint: a PIN, and a passkey that needs the browser. */
const extraFactors: PluginModule = {
  id: "authn.test-extra",
  apiVersion: 1,
  register(host) {
    const enrolledByPrefix = (prefix: string): Pick<Authenticator, "enrolled"> => ({ enrolled: async (userId, ctx) => (await ctx.users.findById(userId))?.username.startsWith(prefix) ?? false });
    host.contribute(ExtensionPoints.authenticators, {
      id: "pin",
      factor: "second",
      amr: ["pin"],
      fields: [{ name: "pin", label: "PIN", type: "password", autocomplete: "off" }],
      ...enrolledByPrefix("pin-"),
      authenticate: async ({ fields, userId }) => (userId !== undefined && fields.pin === "2468" ? { ok: true, userId } : { ok: false }),
    });
    host.contribute(ExtensionPoints.authenticators, {
      id: "passkey",
      factor: "second",
      amr: ["hwk"],
      fields: [],
      browserOnly: true,
      ...enrolledByPrefix("passkey-"),
      authenticate: async () => ({ ok: false }),
    });
  },
};

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

/** Security corpus Q94–Q96 through POST /authorize-challenge and /token (draft-ietf-oauth-first-party-apps-04). */
describe("first-party apps: the authorization challenge endpoint (corpus Q94–Q96)", () => {
  let t: TestApp;
  const clock = new FakeClock();
  let app: { client_id: string };
  let totpSecret: Buffer;

  before(async () => {
    t = await startTestApp({}, { clock, plugins: [...firstPartyPlugins, extraFactors] });
    const users = t.app.container.resolve(UserService);
    for (const username of ["alice", "bob", "pin-paula", "passkey-pete", "olga"]) await users.create({ username, password: `${username}-password-1` });
    const totp = t.app.container.resolve(TotpSecretService);
    for (const username of ["bob", "olga"]) await totp.enable(username);
    totpSecret = totp.secretOf((await t.app.container.resolve(DI.Durable).users.findByUsername("bob"))!)!;
    app = await t.createClient({ ...firstParty, token_endpoint_auth_method: "none", scope: "openid profile offline_access" });
  });
  after(() => t.stop());

  const challenge = (form: Record<string, string>, headers: Record<string, string> = {}) => t.postForm("/authorize-challenge", form, headers);
  const start = (form: Record<string, string> = {}, clientId = app.client_id) => challenge({ client_id: clientId, response_type: "code", scope: "openid", ...pkce, ...form });
  const json = async (res: Response) => (await res.json()) as Record<string, unknown> & { auth_session: string; authorization_code: string };
  const otpOf = (secret: Buffer) => hotp(secret, timeStep(clock.now()));
  const redeem = (code: string, form: Record<string, string> = {}) => t.postForm("/token", { grant_type: "authorization_code", client_id: app.client_id, code, code_verifier: VERIFIER, ...form });

  test("the endpoint is advertised as authorization_challenge_endpoint (draft §8)", async () => {
    for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
      const metadata = (await (await fetch(`${t.publicUrl}${path}`)).json()) as Record<string, unknown>;
      assert.equal(metadata.authorization_challenge_endpoint, `${t.issuer}/authorize-challenge`, path);
    }
  });

  test("Q94: GET is 405 with Allow: POST", async () => {
    const res = await fetch(`${t.publicUrl}/authorize-challenge?client_id=${app.client_id}`);
    assert.equal(res.headers.get("allow"), "POST");
    await expectOAuthError(res, 405, "method_not_allowed");
  });

  test("Q94: a confidential client without authentication, or with a wrong secret, is 401 invalid_client", async () => {
    const backend = await t.createClient({ ...firstParty, token_endpoint_auth_method: "client_secret_basic" });
    const body = await expectOAuthError(await start({}, backend.client_id), 401, "invalid_client", { wwwAuthenticate: false });
    assert.deepEqual(body, { error: "invalid_client", error_description: "client authentication method does not match the registered one" });
    const form = { response_type: "code", ...pkce };
    await expectOAuthError(await challenge(form, basic(backend.client_id!, "wrong")), 401, "invalid_client", { wwwAuthenticate: BASIC_CHALLENGE });
    const ok = await challenge(form, basic(backend.client_id!, backend.client_secret!));
    assert.equal(ok.status, 403, "authenticated: the sign-in starts");
    await ok.body?.cancel();
    const other = await challenge({ ...form, client_id: app.client_id }, basic(backend.client_id!, backend.client_secret!));
    assert.deepEqual(await expectOAuthError(other, 400, "invalid_request"), { error: "invalid_request", error_description: "client_id does not match the authenticated client" });
  });

  test("Q94: a client the operator did not allow is 400 unauthorized_client; dynamic registration cannot allow itself", async () => {
    const { authorization_challenge_allowed: _allowed, ...notAllowed } = firstParty;
    const plain = await t.createClient({ ...notAllowed, token_endpoint_auth_method: "none" });
    const body = await expectOAuthError(await start({}, plain.client_id), 400, "unauthorized_client");
    assert.deepEqual(body, { error: "unauthorized_client", error_description: "the client may not use the authorization challenge endpoint" });
    const registry = t.app.container.resolve(DI.ClientRegistry);
    const { client } = await registry.register({ ...firstParty, token_endpoint_auth_method: "none" }, "dynamic");
    assert.equal(client.metadata.authorization_challenge_allowed, undefined);
  });

  test("Q94: missing or malformed parameters are 400 invalid_request (unsupported_response_type for another response type)", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ response_type: "" }, "invalid_request", "response_type is required"],
      [{ response_type: "token" }, "unsupported_response_type", "response_type must be code"],
      [{ code_challenge: "" }, "invalid_request", "code_challenge is required (PKCE)"],
      [{ code_challenge_method: "plain" }, "invalid_request", "code_challenge_method must be S256"],
      [{ scope: "portcullis:mint" }, "invalid_scope", "scope 'portcullis:mint' is not allowed for this client"],
    ];
    for (const [form, error, description] of cases) assert.deepEqual(await expectOAuthError(await start(form), 400, error), { error, error_description: description }, JSON.stringify(form));
    const repeated = await t.postForm("/authorize-challenge", { client_id: app.client_id, response_type: "code", ...pkce, scope: ["openid", "profile"] });
    assert.deepEqual(await expectOAuthError(repeated, 400, "invalid_request"), { error: "invalid_request", error_description: "parameter 'scope' must not be repeated" });
    const wrongType = await fetch(`${t.publicUrl}/authorize-challenge`, { method: "POST", body: JSON.stringify({ client_id: app.client_id }), headers: { "content-type": "application/json" } });
    await expectOAuthError(wrongType, 400, "invalid_request");
  });

  test("full flow: password → insufficient_authorization (TOTP) → otp → code → /token with code_verifier → tokens, ID token amr pwd+otp", async () => {
    const first = await start({ scope: "openid profile", nonce: "n-1" });
    assert.equal(first.status, 403);
    assert.equal(first.headers.get("cache-control"), "no-store");
    const asked = await json(first);
    assert.deepEqual(asked, {
      error: "insufficient_authorization",
      error_description: "sign in with password",
      auth_session: asked.auth_session,
      authenticator: "password",
      fields: [
        { name: "username", type: "text", label: "Username" },
        { name: "password", type: "password", label: "Password" },
      ],
    });
    const second = await challenge({ auth_session: asked.auth_session, username: "bob", password: "bob-password-1" });
    assert.equal(second.status, 403);
    const otpStep = await json(second);
    assert.deepEqual(otpStep, {
      error: "insufficient_authorization",
      error_description: "sign in with totp as well",
      auth_session: otpStep.auth_session,
      authenticator: "totp",
      fields: [{ name: "code", type: "one-time-code", label: "Authentication code" }],
    });
    assert.notEqual(otpStep.auth_session, asked.auth_session, "rotated");
    const done = await challenge({ auth_session: otpStep.auth_session, otp: otpOf(totpSecret) });
    assert.equal(done.status, 200);
    assert.equal(done.headers.get("cache-control"), "no-store");
    const { authorization_code: code, ...rest } = await json(done);
    assert.deepEqual(rest, {});
    const tokens = (await (await redeem(code)).json()) as Record<string, string>;
    assert.equal(tokens.token_type, "Bearer");
    assert.equal(tokens.scope, "openid profile");
    assert.equal(tokens.refresh_token, undefined, "no offline_access");
    const idToken = claimsOf(tokens.id_token!);
    assert.deepEqual([idToken.aud, idToken.nonce, idToken.amr, idToken.acr, idToken.preferred_username], [app.client_id, "n-1", ["pwd", "otp"], "urn:portcullis:acr:mfa", "bob"]);
    assert.equal(idToken.sid, undefined, "no browser session");

    const reused = await challenge({ auth_session: otpStep.auth_session, otp: otpOf(totpSecret) });
    assert.deepEqual(await expectOAuthError(reused, 400, "invalid_session"), { error: "invalid_session", error_description: "auth_session is invalid, expired or already used" });
  });

  test("Q95: unknown and expired auth_sessions are 400 invalid_session", async () => {
    await expectOAuthError(await challenge({ auth_session: "never-issued", client_id: app.client_id }), 400, "invalid_session");
    const { auth_session } = await json(await start());
    clock.advance(10 * 60_000);
    await expectOAuthError(await challenge({ auth_session, username: "alice", password: "alice-password-1" }), 400, "invalid_session");
  });

  test("Q95: an auth_session presented by another client is invalid_session, and is ended", async () => {
    const other = await t.createClient({ ...firstParty, token_endpoint_auth_method: "none" });
    const { auth_session } = await json(await start());
    const stolen = await challenge({ auth_session, client_id: other.client_id, username: "alice", password: "alice-password-1" });
    assert.deepEqual(await expectOAuthError(stolen, 400, "invalid_session"), { error: "invalid_session", error_description: "auth_session was issued to another client" });
    await expectOAuthError(await challenge({ auth_session, username: "alice", password: "alice-password-1" }), 400, "invalid_session");
  });

  test("Q95: a step that needs the browser, or a client whose users must consent, is 403 redirect_to_web", async () => {
    const { auth_session } = await json(await start());
    const passkey = await challenge({ auth_session, username: "passkey-pete", password: "passkey-pete-password-1" });
    assert.deepEqual(await expectOAuthError(passkey, 403, "redirect_to_web"), { error: "redirect_to_web", error_description: "the passkey step needs the browser" });
    const consenting = await t.createClient({ ...firstParty, skip_consent: false, token_endpoint_auth_method: "none" });
    assert.deepEqual(await expectOAuthError(await start({}, consenting.client_id), 403, "redirect_to_web"), { error: "redirect_to_web", error_description: "the end-user must consent in the browser" });
  });

  test("a new authenticator works here unchanged: its fields are request parameters by name", async () => {
    const first = await json(await start({ username: "pin-paula", password: "pin-paula-password-1" }));
    assert.deepEqual([first.authenticator, first.fields], ["pin", [{ name: "pin", type: "password", label: "PIN" }]]);
    const done = await challenge({ auth_session: first.auth_session, pin: "2468" });
    const tokens = (await (await redeem((await json(done)).authorization_code)).json()) as Record<string, string>;
    assert.deepEqual(claimsOf(tokens.id_token!).amr, ["pwd", "pin"]);
  });

  test("Q96: OTP brute force locks the account (shared with the login page) with Retry-After; the right code only after the lock", async () => {
    const secret = t.app.container.resolve(TotpSecretService).secretOf((await t.app.container.resolve(DI.Durable).users.findByUsername("olga"))!)!;
    let { auth_session } = await json(await start({ username: "olga", password: "olga-password-1" }));
    for (let i = 0; i < 5; i++) {
      const wrong = await challenge({ auth_session, otp: String(100000 + i) });
      assert.equal(wrong.status, 403);
      const body = await json(wrong);
      assert.deepEqual([body.error, body.error_description, body.authenticator], ["insufficient_authorization", "the submitted credentials are not valid", "totp"]);
      auth_session = body.auth_session;
    }
    const locked = await challenge({ auth_session, otp: otpOf(secret) });
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get("retry-after"), "300");
    const lockedBody = await json(locked);
    assert.deepEqual(lockedBody, { error: "too_many_requests", error_description: "too many failed sign-in attempts, retry later", auth_session: lockedBody.auth_session });

    const web = await t.createClient({ redirect_uris: [REDIRECT], grant_types: ["authorization_code"], response_types: ["code"] });
    const browser = new HttpBrowser();
    const authorize = `${t.publicUrl}/authorize?${new URLSearchParams({ client_id: web.client_id, response_type: "code", redirect_uri: REDIRECT, scope: "openid", ...pkce })}`;
    const page = (await browser.request(authorize)).headers.get("location")!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await browser.request(page)).text())![1]!;
    const atLoginPage = await browser.request(`${page}/login`, { csrf, authenticator: "password", username: "olga", password: "olga-password-1" });
    assert.equal(atLoginPage.status, 429, "the login page shares the lock");

    clock.advance(301_000);
    const after = await challenge({ auth_session: lockedBody.auth_session, otp: otpOf(secret) });
    assert.equal(after.status, 200);
  });

  test("Q96: the code is PKCE-bound (no or wrong verifier, a redirect_uri: invalid_grant, not consumed) and single use (reuse revokes)", async () => {
    const { authorization_code: code } = await json(await start({ username: "alice", password: "alice-password-1" }));
    const failures: [Record<string, string>, string][] = [
      [{ code_verifier: "" }, "code_verifier is required"],
      [{ code_verifier: `${VERIFIER.slice(0, -1)}A` }, "code_verifier does not match the code_challenge"],
      [{ redirect_uri: REDIRECT }, "redirect_uri was not part of the authorization request"],
    ];
    for (const [form, description] of failures) assert.deepEqual(await expectOAuthError(await redeem(code, form), 400, "invalid_grant"), { error: "invalid_grant", error_description: description });
    const tokens = (await (await redeem(code)).json()) as { access_token: string };
    const validator = t.app.container.resolve(DI.TokenValidator);
    assert.ok(await validator.validateAccessToken(tokens.access_token));
    await expectOAuthError(await redeem(code), 400, "invalid_grant");
    assert.equal(await validator.validateAccessToken(tokens.access_token), undefined, "the first redemption's token is revoked");
  });
});
