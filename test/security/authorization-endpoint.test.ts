import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DI } from "../../src/core/di-tokens.js";
import { TotpSecretService } from "../../src/core/users/totp-secret.service.js";
import { UserService } from "../../src/core/users/user.service.js";
import { hotp, timeStep } from "../../plugins/authn/totp/rfc6238.js";
import { formOf } from "../support/http-browser.js";
import { FakeClock } from "../support/fake-clock.js";
import { HttpBrowser } from "../support/http-browser.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

const REDIRECT = "https://app.example.test/cb";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const alice = { username: "alice", password: "alice-password-1" };
const bob = { username: "bob", password: "bob-password-12" };

/** Security corpus A1, A3–A5, A7–A8, C16 and K64 through GET/POST /authorize and the sign-in pages. */
describe("authorization endpoint (corpus A1, A3–A5, A7–A8, C16, K64)", () => {
  let t: TestApp;
  const clock = new FakeClock();
  let web: { client_id: string; client_secret?: string };

  before(async () => {
    t = await startTestApp({}, { clock });
    const users = t.app.container.resolve(UserService);
    await users.create({ ...alice, name: "Alice" });
    await users.create(bob);
    web = await t.createClient({ redirect_uris: [REDIRECT], grant_types: ["authorization_code"], response_types: ["code"], client_name: "Web <App>" });
  });
  after(() => t.stop());

  const authorizeUrl = (params: Record<string, string | undefined>, clientId = web.client_id) => {
    const all: Record<string, string | undefined> = {
      client_id: clientId,
      response_type: "code",
      redirect_uri: REDIRECT,
      scope: "openid",
      state: "st-1",
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
      ...params,
    };
    const query = new URLSearchParams(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
    return `${t.publicUrl}/authorize?${query}`;
  };
  const expectErrorPage = async (res: Response, error: string) => {
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("location"), null);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(await res.text(), new RegExp(error));
  };
  const expectRedirectError = (res: Response, error: string) => {
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get("location")!);
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get("error"), error);
    assert.equal(location.searchParams.get("state"), "st-1");
    assert.equal(location.searchParams.get("iss"), t.issuer);
    return location;
  };
  const signedIn = async () => {
    const browser = new HttpBrowser();
    const { location } = await browser.authorize(authorizeUrl({}), t.issuer, { credentials: alice, consent: "approve" });
    assert.ok(location?.searchParams.get("code"));
    return browser;
  };

  test("A1: every redirect_uri that is not byte-identical to the registered one gets an error page and no redirect", async () => {
    const variants = [
      "https://app.example.test/other",
      `${REDIRECT}?x=1`,
      `${REDIRECT}/`,
      "https://APP.example.test/cb",
      "https://app.example.test/CB",
      "https://app.example.test:443/cb",
      "https://app.example.test%2Fcb",
      "https://app.example.test/..;/cb",
      "https://app.example.test@evil.example/cb",
      "https://evil@@app.example.test/cb",
      "https://app.example.test\\@evil.example/cb",
      "https://аpp.example.test/cb",
    ];
    for (const redirect_uri of variants) await expectErrorPage(await fetch(authorizeUrl({ redirect_uri }), { redirect: "manual" }), "invalid_request");
  });

  test("A3: unknown or missing client_id, and an OpenID request without redirect_uri, get an error page", async () => {
    await expectErrorPage(await fetch(authorizeUrl({}, "no-such-client"), { redirect: "manual" }), "invalid_client|invalid_request");
    await expectErrorPage(await fetch(authorizeUrl({ client_id: undefined }), { redirect: "manual" }), "invalid_request|invalid_client");
    await expectErrorPage(await fetch(authorizeUrl({ redirect_uri: undefined }), { redirect: "manual" }), "invalid_request");
  });

  test("A4: missing response_type is invalid_request; token and code id_token (not enabled) are unsupported_response_type", async () => {
    expectRedirectError(await fetch(authorizeUrl({ response_type: undefined }), { redirect: "manual" }), "invalid_request");
    for (const response_type of ["token", "code id_token"]) {
      const res = await fetch(authorizeUrl({ response_type, nonce: "n" }), { redirect: "manual" });
      assert.equal(res.status, 303, response_type);
      const location = new URL(res.headers.get("location")!);
      assert.equal(location.searchParams.get("error") ?? new URLSearchParams(location.hash.slice(1)).get("error"), "unsupported_response_type", response_type);
    }
  });

  test("A5: unknown scope is invalid_scope; an unknown extra parameter is ignored; a duplicated parameter is invalid_request", async () => {
    expectRedirectError(await fetch(authorizeUrl({ scope: "openid no-such-scope" }), { redirect: "manual" }), "invalid_scope");
    const extra = await fetch(authorizeUrl({ unknown_extension: "1" }), { redirect: "manual" });
    assert.equal(extra.status, 303);
    assert.match(extra.headers.get("location")!, /\/interaction\//);
    expectRedirectError(await fetch(`${authorizeUrl({})}&scope=profile`, { redirect: "manual" }), "invalid_request");
  });

  test("POST /authorize with a form body is the same request as GET (OIDC Core §3.1.2.1)", async () => {
    const body = new URL(authorizeUrl({ prompt: "none" })).searchParams;
    const res = await fetch(`${t.publicUrl}/authorize`, { method: "POST", body, redirect: "manual" });
    expectRedirectError(res, "login_required");
    const browser = await signedIn();
    const ok = await browser.request(`${t.publicUrl}/authorize`, Object.fromEntries(new URL(authorizeUrl({})).searchParams));
    assert.equal(ok.status, 303);
    assert.ok(new URL(ok.headers.get("location")!).searchParams.get("code"));
  });

  test("A7: denying consent redirects access_denied with state and iss; discovery announces the iss parameter", async () => {
    const browser = new HttpBrowser();
    const { location } = await browser.authorize(authorizeUrl({ scope: "openid profile" }), t.issuer, { credentials: bob, consent: "deny" });
    assert.equal(location?.searchParams.get("error"), "access_denied");
    assert.equal(location?.searchParams.get("state"), "st-1");
    assert.equal(location?.searchParams.get("iss"), t.issuer);
    const metadata = (await (await fetch(`${t.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
    assert.equal(metadata.authorization_endpoint, `${t.issuer}/authorize`);
  });

  test("A8: login, consent and error pages are not frameable, not cached, send no referrer, no CORS; form posts answer 303", async () => {
    const check = (res: Response) => {
      assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
      assert.equal(res.headers.get("referrer-policy"), "no-referrer");
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.equal(res.headers.get("access-control-allow-origin"), null);
    };
    const browser = new HttpBrowser();
    const start = await browser.request(authorizeUrl({ scope: "openid email" }), undefined, { origin: "https://evil.example" });
    assert.equal(start.status, 303);
    assert.equal(start.headers.get("access-control-allow-origin"), null);
    const login = await browser.request(start.headers.get("location")!);
    check(login);
    const html = await login.text();
    const action = /action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const posted = await browser.request(action, { csrf, authenticator: "password", ...alice });
    assert.equal(posted.status, 303);
    const consent = await browser.request(posted.headers.get("location")!);
    check(consent);
    assert.match(await consent.text(), /Web &lt;App&gt;/);
    const error = await fetch(authorizeUrl({}, "no-such-client"), { redirect: "manual" });
    check(error);
  });

  test("A8: a login form posted without the interaction's CSRF token or from another browser is refused", async () => {
    const browser = new HttpBrowser();
    const start = await browser.request(authorizeUrl({}));
    const page = start.headers.get("location")!;
    const html = await (await browser.request(page)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    await expectErrorPage(await browser.request(`${page}/login`, { csrf: "forged", authenticator: "password", ...alice }), "invalid_request");
    await expectErrorPage(await new HttpBrowser().request(`${page}/login`, { csrf, authenticator: "password", ...alice }), "invalid_request");
  });

  test("prompt=select_account: continue as the signed-in user, or sign in as another one", async () => {
    const browser = await signedIn();
    const current = await browser.authorize(authorizeUrl({ prompt: "select_account" }), t.issuer);
    const form = /action="([^"]+\/select)"/.exec(current.html ?? "");
    assert.ok(form, "the account selection page is shown");
    assert.match(current.html!, /Alice/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(current.html!)![1]!;
    const chosen = await browser.request(form[1]!, { csrf, choice: "current" });
    assert.equal(chosen.status, 303);
    assert.ok(new URL(chosen.headers.get("location")!).searchParams.get("code"));

    const other = await browser.authorize(authorizeUrl({ prompt: "select_account" }), t.issuer);
    const switched = await browser.request(/action="([^"]+\/select)"/.exec(other.html!)![1]!, { csrf: /name="csrf" value="([^"]+)"/.exec(other.html!)![1]!, choice: "other" });
    const login = await browser.request(switched.headers.get("location")!);
    assert.match(await login.text(), /name="password"/);
  });

  test("brute force: after LOGIN_FAILURE_LIMIT wrong passwords the account's login answers 429 with Retry-After, even with the right password", async () => {
    const victim = { username: "mallory-target", password: "target-password-1" };
    await t.app.container.resolve(UserService).create(victim);
    const browser = new HttpBrowser();
    const start = await browser.request(authorizeUrl({}));
    const page = start.headers.get("location")!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await browser.request(page)).text())![1]!;
    for (let i = 0; i < 5; i++) {
      const wrong = await browser.request(`${page}/login`, { csrf, authenticator: "password", username: victim.username, password: `wrong-${i}` });
      assert.equal(wrong.status, 400);
      assert.match(await wrong.text(), /role="alert"/);
    }
    const locked = await browser.request(`${page}/login`, { csrf, authenticator: "password", ...victim });
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get("retry-after")) > 0);
    clock.advance(301_000);
    const after = await browser.request(`${page}/login`, { csrf, authenticator: "password", ...victim });
    assert.equal(after.status, 303);
  });

  test("ui_locales=de renders the sign-in page in German; cookies are HttpOnly and SameSite=Lax (not Secure on an http issuer)", async () => {
    const browser = new HttpBrowser();
    const start = await browser.request(authorizeUrl({ ui_locales: "de-AT en" }));
    const interactionCookie = start.headers.getSetCookie().find((c) => c.startsWith("portcullis_interaction="))!;
    assert.match(interactionCookie, /HttpOnly/);
    assert.match(interactionCookie, /SameSite=Lax/);
    assert.doesNotMatch(interactionCookie, /Secure/);
    const page = await (await browser.request(start.headers.get("location")!)).text();
    assert.match(page, /<html lang="de"/);
  });

  test("acr_values asking for multi-factor steps a password-only session up: sign in again with TOTP, acr becomes mfa", async () => {
    const dave = { username: "dave", password: "dave-password-1" };
    await t.app.container.resolve(UserService).create(dave);
    const browser = new HttpBrowser();
    const first = await browser.authorize(authorizeUrl({}), t.issuer, { credentials: dave, consent: "approve" });
    assert.ok(first.location?.searchParams.get("code"));
    const totp = t.app.container.resolve(TotpSecretService);
    await totp.enable("dave");
    const secret = totp.secretOf((await t.app.container.resolve(DI.Durable).users.findByUsername("dave"))!)!;

    const plain = await browser.request(authorizeUrl({}));
    assert.ok(new URL(plain.headers.get("location")!).searchParams.get("code"), "no acr request: the session is enough");
    expectRedirectError(await browser.request(authorizeUrl({ prompt: "none", acr_values: "urn:portcullis:acr:mfa" })), "login_required");
    const stepUp = await browser.authorize(authorizeUrl({ acr_values: "urn:portcullis:acr:mfa" }), t.issuer, { credentials: dave });
    const second = formOf(stepUp.html!)!;
    assert.equal(second.hidden.authenticator, "totp");
    const done = await browser.request(second.action, { ...second.hidden, code: hotp(secret, timeStep(clock.now())) });
    const code = new URL(done.headers.get("location")!).searchParams.get("code")!;
    const res = await t.postForm("/token", { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, basic(web.client_id, web.client_secret!));
    const idToken = JSON.parse(Buffer.from(((await res.json()) as { id_token: string }).id_token.split(".")[1]!, "base64url").toString());
    assert.equal(idToken.acr, "urn:portcullis:acr:mfa");
    assert.deepEqual(idToken.amr, ["pwd", "otp"]);
  });

  test("a second factor disabled by the operator mid-sign-in restarts the sign-in at the first factor", async () => {
    const frank = { username: "frank", password: "frank-password-1" };
    await t.app.container.resolve(UserService).create(frank);
    const totp = t.app.container.resolve(TotpSecretService);
    await totp.enable("frank");
    const browser = new HttpBrowser();
    const atTotp = await browser.authorize(authorizeUrl({}), t.issuer, { credentials: frank });
    const totpForm = formOf(atTotp.html!)!;
    assert.equal(totpForm.hidden.authenticator, "totp");
    await totp.disable("frank");
    const restarted = formOf(await (await browser.request(totpForm.action.replace(/\/login$/, ""))).text())!;
    assert.equal(restarted.hidden.authenticator, "password");
    const stale = await browser.request(totpForm.action, { ...totpForm.hidden, code: "123456" });
    assert.equal(stale.status, 400, "a TOTP answer to a restarted sign-in is refused");
    assert.equal(formOf(await stale.text())!.hidden.authenticator, "password");
  });

  test("K64: prompt=none without a session is login_required; with a session it completes without a page", async () => {
    expectRedirectError(await fetch(authorizeUrl({ prompt: "none" }), { redirect: "manual" }), "login_required");
    const browser = await signedIn();
    const silent = await browser.request(authorizeUrl({ prompt: "none" }));
    assert.equal(silent.status, 303);
    assert.ok(new URL(silent.headers.get("location")!).searchParams.get("code"));
  });

  test("K64: prompt=none with consent missing is consent_required; prompt=none with other prompts is invalid_request", async () => {
    const browser = await signedIn();
    expectRedirectError(await browser.request(authorizeUrl({ prompt: "none", scope: "openid email" })), "consent_required");
    expectRedirectError(await browser.request(authorizeUrl({ prompt: "none login" })), "invalid_request");
  });

  test("K64: max_age=1 after 2 s forces a new sign-in; the new ID token's auth_time is later", async () => {
    const browser = await signedIn();
    const token = async (location: URL) => {
      const res = await t.postForm("/token", { grant_type: "authorization_code", code: location.searchParams.get("code")!, redirect_uri: REDIRECT, code_verifier: VERIFIER }, basic(web.client_id, web.client_secret!));
      assert.equal(res.status, 200);
      const body = (await res.json()) as { id_token: string };
      return JSON.parse(Buffer.from(body.id_token.split(".")[1]!, "base64url").toString()) as { auth_time: number; sub: string };
    };
    const first = await browser.authorize(authorizeUrl({}), t.issuer);
    const before = await token(first.location!);
    clock.advance(2000);
    const forced = await browser.request(authorizeUrl({ max_age: "1" }));
    assert.match(forced.headers.get("location")!, /\/interaction\//);
    const again = await browser.authorize(authorizeUrl({ max_age: "1" }), t.issuer, { credentials: alice });
    const after = await token(again.location!);
    assert.ok(after.auth_time >= before.auth_time + 2);
    assert.equal(after.sub, before.sub);
  });

  test("K64: prompt=none with an id_token_hint for another user is login_required", async () => {
    const bobBrowser = new HttpBrowser();
    const { location } = await bobBrowser.authorize(authorizeUrl({}), t.issuer, { credentials: bob, consent: "approve" });
    const res = await t.postForm("/token", { grant_type: "authorization_code", code: location!.searchParams.get("code")!, redirect_uri: REDIRECT, code_verifier: VERIFIER }, basic(web.client_id, web.client_secret!));
    const bobIdToken = ((await res.json()) as { id_token: string }).id_token;
    const aliceBrowser = await signedIn();
    expectRedirectError(await aliceBrowser.request(authorizeUrl({ prompt: "none", id_token_hint: bobIdToken })), "login_required");
    const same = await bobBrowser.request(authorizeUrl({ prompt: "none", id_token_hint: bobIdToken }));
    assert.ok(new URL(same.headers.get("location")!).searchParams.get("code"));
  });
});
