import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { hotp, timeStep } from "../../plugins/authn/totp/rfc6238.js";
import { DI } from "../../src/core/di-tokens.js";
import { ConsentService } from "../../src/core/sessions/consent.service.js";
import { TotpSecretService } from "../../src/core/users/totp-secret.service.js";
import { UserAccessService } from "../../src/core/users/user-access.service.js";
import { UserService } from "../../src/core/users/user.service.js";
import { FakeClock } from "../support/fake-clock.js";
import { formOf, HttpBrowser } from "../support/http-browser.js";
import { expectOAuthError } from "../support/oauth-assertions.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

const DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
const INTERVAL_MS = 5_000;
const PENDING = "the end-user has not yet completed the request";
const SLOW_DOWN = "polling too fast; add 5 seconds to the interval";
const DENIED = "the end-user denied the request";
const EXPIRED = "device_code has expired";
const SPENT = "device_code is invalid, was already used or was issued to another client";
const WRONG_CODE = "That code is not valid. Check the code shown on your device and try again.";
const password = (username: string) => ({ username, password: `${username}-password-1` });

interface DeviceClient {
  client_id: string;
  client_secret?: string;
}
interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** Device-flow calls and a browser that approves, against one test app. */
function deviceFlow(t: TestApp) {
  /** A confidential client authenticates with Basic; a public one names itself (RFC 6749 §2.3.1, §3.2.1). */
  const auth = (client: DeviceClient): { headers: Record<string, string>; form: Record<string, string> } =>
    client.client_secret ? { headers: basic(client.client_id, client.client_secret), form: {} } : { headers: {}, form: { client_id: client.client_id } };
  return {
    authorize(client: DeviceClient, form: Record<string, string | string[]> = {}) {
      const a = auth(client);
      return t.postForm("/device_authorization", { ...a.form, ...form }, a.headers);
    },
    async started(client: DeviceClient, form: Record<string, string | string[]> = { scope: "openid offline_access" }): Promise<DeviceAuthorization> {
      const res = await this.authorize(client, form);
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as DeviceAuthorization;
    },
    poll(client: DeviceClient, deviceCode: string) {
      const a = auth(client);
      return t.postForm("/token", { grant_type: DEVICE_CODE, device_code: deviceCode, ...a.form }, a.headers);
    },
    /** Opens the verification page and submits `userCode`: a 303 into the sign-in, or the page again. */
    async enter(browser: HttpBrowser, userCode: string, page = `${t.publicUrl}/device`): Promise<Response> {
      const form = formOf(await (await browser.request(page)).text())!;
      return browser.request(form.action, { ...form.hidden, user_code: userCode });
    },
    /** Enters the code, signs in and answers consent; the page the browser ends on. */
    async approve(browser: HttpBrowser, userCode: string, options: { credentials?: { username: string; password: string }; consent?: "approve" | "deny" }) {
      const entered = await this.enter(browser, userCode);
      assert.equal(entered.status, 303);
      const { page, html } = await browser.authorize(entered.headers.get("location")!, t.issuer, options);
      return { status: page!.status, html: html! };
    },
  };
}

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

/** A 400 token- or device-endpoint error (RFC 6749 §5.2, RFC 8628 §3.5) with exactly this description. */
async function expectError(res: Response, error: string, description: string): Promise<void> {
  const body = await expectOAuthError(res, 400, error);
  assert.equal(body.error_description, description);
}

describe("device authorization endpoint (RFC 8628 §3.1–3.2, §4)", () => {
  let t: TestApp;
  let flow: ReturnType<typeof deviceFlow>;
  let tv: DeviceClient;
  let confidential: DeviceClient;

  before(async () => {
    t = await startTestApp();
    flow = deviceFlow(t);
    tv = await t.createClient({ grant_types: [DEVICE_CODE, "refresh_token"], token_endpoint_auth_method: "none", client_name: "Living Room TV" });
    confidential = await t.createClient({ grant_types: [DEVICE_CODE], client_name: "Kiosk", scope: "openid" });
  });
  after(() => t.stop());

  test("a public client registered for the grant gets a device code, a dashed 8-character user code and both verification URIs", async () => {
    const res = await flow.authorize(tv, { scope: "openid profile" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = (await res.json()) as DeviceAuthorization;
    assert.deepEqual(Object.keys(body).sort(), ["device_code", "expires_in", "interval", "user_code", "verification_uri", "verification_uri_complete"]);
    assert.match(body.device_code, /^[A-Za-z0-9_-]{43}$/);
    assert.match(body.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(body.verification_uri, `${t.issuer}/device`);
    assert.equal(body.verification_uri_complete, `${t.issuer}/device?user_code=${body.user_code}`);
    assert.equal(body.expires_in, 600);
    assert.equal(body.interval, 5);
  });

  test("a confidential client must authenticate as registered", async () => {
    assert.equal((await flow.authorize(confidential)).status, 200);
    await expectOAuthError(await t.postForm("/device_authorization", { client_id: confidential.client_id }), 401, "invalid_client");
    await expectOAuthError(await t.postForm("/device_authorization", {}, basic(confidential.client_id, "wrong")), 401, "invalid_client");
  });

  test("a client not registered for the grant is unauthorized_client; scopes follow the client's policy", async () => {
    const web = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic" });
    await expectError(await flow.authorize(web), "unauthorized_client", `the client is not registered for ${DEVICE_CODE}`);
    await expectOAuthError(await flow.authorize(confidential, { scope: "openid api:write" }), 400, "invalid_scope");
    await expectOAuthError(await flow.authorize(tv, { resource: "https://unknown.example.test/" }), 400, "invalid_target");
    await expectOAuthError(await flow.authorize(tv, { scope: ["openid", "profile"] }), 400, "invalid_request");
    const get = await fetch(`${t.publicUrl}/device_authorization`);
    assert.equal(get.status, 405);
  });

  test("discovery advertises the endpoint and the grant type in both documents (RFC 8628 §4)", async () => {
    for (const path of ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]) {
      const metadata = (await (await fetch(`${t.publicUrl}${path}`)).json()) as { device_authorization_endpoint: string; grant_types_supported: string[] };
      assert.equal(metadata.device_authorization_endpoint, `${t.issuer}/device_authorization`);
      assert.ok(metadata.grant_types_supported.includes(DEVICE_CODE));
    }
  });
});

describe("device access token requests (corpus L69, L70, L72, L74)", () => {
  let t: TestApp;
  let flow: ReturnType<typeof deviceFlow>;
  let tv: DeviceClient;
  let kiosk: DeviceClient;
  const clock = new FakeClock();

  before(async () => {
    t = await startTestApp({}, { clock });
    flow = deviceFlow(t);
    const users = t.app.container.resolve(UserService);
    for (const name of ["alice", "bob", "carol", "dave", "erin", "frank"]) await users.create({ ...password(name), name: name[0]!.toUpperCase() + name.slice(1) });
    tv = await t.createClient({ grant_types: [DEVICE_CODE, "refresh_token"], token_endpoint_auth_method: "none", client_name: "Living Room TV" });
    kiosk = await t.createClient({ grant_types: [DEVICE_CODE], client_name: "Kiosk" });
  });
  after(() => t.stop());

  test("L69: before approval authorization_pending; after denial access_denied; after expires_in expired_token", async () => {
    const pending = await flow.started(tv);
    await expectError(await flow.poll(tv, pending.device_code), "authorization_pending", PENDING);

    const denied = await flow.started(tv);
    const page = await flow.approve(new HttpBrowser(), denied.user_code, { credentials: password("alice"), consent: "deny" });
    assert.equal(page.status, 200);
    assert.match(page.html, /Access denied/);
    await expectError(await flow.poll(tv, denied.device_code), "access_denied", DENIED);
    clock.advance(INTERVAL_MS);
    await expectError(await flow.poll(tv, denied.device_code), "access_denied", DENIED);

    clock.advance(600_000);
    await expectError(await flow.poll(tv, pending.device_code), "expired_token", EXPIRED);
    await expectError(await flow.poll(tv, denied.device_code), "expired_token", EXPIRED);
    clock.advance(600_000); // long after, when its record is gone, too
    await expectError(await flow.poll(tv, pending.device_code), "expired_token", EXPIRED);
  });

  test("L70: a poll faster than the interval is slow_down, and the device code's interval grows by 5 s each time from then on", async () => {
    const started = await flow.started(tv);
    await expectError(await flow.poll(tv, started.device_code), "authorization_pending", PENDING);
    clock.advance(INTERVAL_MS - 1);
    await expectError(await flow.poll(tv, started.device_code), "slow_down", SLOW_DOWN);
    clock.advance(INTERVAL_MS);
    await expectError(await flow.poll(tv, started.device_code), "slow_down", SLOW_DOWN); // 10 s were required; now 15 s
    clock.advance(15_000);
    await expectError(await flow.poll(tv, started.device_code), "authorization_pending", PENDING);
    clock.advance(15_000 - 1);
    await expectError(await flow.poll(tv, started.device_code), "slow_down", SLOW_DOWN); // the interval never shrinks back
    const other = await flow.started(tv);
    await expectError(await flow.poll(tv, other.device_code), "authorization_pending", PENDING); // another device code keeps its own interval
  });

  test("an approved device code gives access, refresh and ID token once; the ID token carries the sign-in (OIDC Core §2)", async () => {
    const started = await flow.started(tv);
    const page = await flow.approve(new HttpBrowser(), started.user_code, { credentials: password("bob"), consent: "approve" });
    assert.equal(page.status, 200);
    assert.match(page.html, /You may return to your device/);
    const res = await flow.poll(tv, started.device_code);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const tokens = (await res.json()) as Record<string, string>;
    assert.deepEqual(Object.keys(tokens).sort(), ["access_token", "expires_in", "id_token", "refresh_token", "scope", "token_type"]);
    assert.equal(tokens.scope, "openid offline_access");
    const bob = (await t.app.container.resolve(DI.Durable).users.findByUsername("bob"))!;
    const idToken = claimsOf(tokens.id_token!);
    assert.equal(idToken.sub, bob.id);
    assert.equal(idToken.aud, tv.client_id);
    assert.deepEqual(idToken.amr, ["pwd"]);
    assert.equal(idToken.auth_time, Math.floor(clock.now() / 1000));
    assert.equal(typeof idToken.sid, "string");
    assert.equal(idToken.nonce, undefined);
    assert.equal(claimsOf(tokens.access_token!).sub, bob.id);
    clock.advance(INTERVAL_MS);
    await expectError(await flow.poll(tv, started.device_code), "invalid_grant", SPENT);

    const refreshed = await t.postForm("/token", { grant_type: "refresh_token", refresh_token: tokens.refresh_token!, client_id: tv.client_id });
    assert.equal(refreshed.status, 200);
  });

  test("L72: 20 concurrent polls of an approved device code give exactly one 200, the rest invalid_grant", async () => {
    const started = await flow.started(tv);
    await flow.approve(new HttpBrowser(), started.user_code, { credentials: password("carol"), consent: "approve" });
    const responses = await Promise.all(Array.from({ length: 20 }, () => flow.poll(tv, started.device_code)));
    assert.deepEqual(responses.map((r) => r.status).sort(), [200, ...Array<number>(19).fill(400)]);
    for (const res of responses.filter((r) => r.status === 400)) await expectError(res, "invalid_grant", SPENT);
  });

  test("L72: polls racing the approval: at most one 200 ever, the others pending, slow_down or invalid_grant", async () => {
    const started = await flow.started(tv);
    const browser = new HttpBrowser();
    const entered = await flow.enter(browser, started.user_code);
    const login = formOf(await (await browser.request(entered.headers.get("location")!)).text())!;
    const consent = formOf(await (await browser.request((await browser.request(login.action, { ...login.hidden, ...password("dave") })).headers.get("location")!)).text())!;
    const approved = await browser.request(consent.action, { ...consent.hidden, decision: "approve" });
    const completion = approved.headers.get("location")!;
    const [page, ...polls] = await Promise.all([browser.request(completion), ...Array.from({ length: 20 }, () => flow.poll(tv, started.device_code))]);
    assert.equal(page!.status, 200);
    clock.advance(60_000);
    polls.push(await flow.poll(tv, started.device_code));
    assert.equal(polls.filter((r) => r.status === 200).length, 1);
    for (const res of polls.filter((r) => r.status !== 200)) {
      assert.equal(res.status, 400);
      const { error } = (await res.json()) as { error: string };
      assert.ok(["authorization_pending", "slow_down", "invalid_grant"].includes(error), error);
    }
  });

  test("a device code works only for its own client; a confidential client authenticates when polling", async () => {
    const started = await flow.started(kiosk, { scope: "openid" });
    await expectError(await flow.poll(tv, started.device_code), "invalid_grant", SPENT);
    await expectOAuthError(await t.postForm("/token", { grant_type: DEVICE_CODE, device_code: started.device_code, client_id: kiosk.client_id }), 401, "invalid_client");
    await flow.approve(new HttpBrowser(), started.user_code, { credentials: password("erin"), consent: "approve" });
    const res = await flow.poll(kiosk, started.device_code);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { refresh_token?: string }).refresh_token, undefined, "no offline_access, no refresh token");
    await expectError(await flow.poll(kiosk, "not-a-device-code"), "invalid_grant", SPENT);
    await expectOAuthError(await t.postForm("/token", { grant_type: DEVICE_CODE, client_id: tv.client_id }), 400, "invalid_request");
  });

  test("L74: a user disabled after approving gets the device nothing: invalid_grant", async () => {
    const started = await flow.started(tv);
    await flow.approve(new HttpBrowser(), started.user_code, { credentials: password("frank"), consent: "approve" });
    await t.app.container.resolve(UserAccessService).disable("frank");
    await expectError(await flow.poll(tv, started.device_code), "invalid_grant", "the end-user who approved the request is no longer active");
    clock.advance(INTERVAL_MS);
    await expectError(await flow.poll(tv, started.device_code), "invalid_grant", SPENT);
  });

  test("L74: a disabled user cannot approve at all: the sign-in refuses, the device stays pending", async () => {
    const started = await flow.started(tv);
    const page = await flow.approve(new HttpBrowser(), started.user_code, { credentials: password("frank") });
    assert.equal(page.status, 400);
    assert.match(page.html, /The details you entered are incorrect/);
    clock.advance(INTERVAL_MS);
    await expectError(await flow.poll(tv, started.device_code), "authorization_pending", PENDING);
  });

  test("L74: consent revoked between approval and the poll: access_denied", async () => {
    const started = await flow.started(tv);
    await flow.approve(new HttpBrowser(), started.user_code, { credentials: password("alice"), consent: "approve" });
    const alice = (await t.app.container.resolve(DI.Durable).users.findByUsername("alice"))!;
    await t.app.container.resolve(ConsentService).revoke(alice.id, tv.client_id);
    await expectError(await flow.poll(tv, started.device_code), "access_denied", "the end-user's consent was revoked");
  });

  test("L74: a user locked out by failed sign-ins cannot approve, even with the right password", async () => {
    const started = await flow.started(tv);
    const browser = new HttpBrowser();
    const entered = await flow.enter(browser, started.user_code);
    const login = formOf(await (await browser.request(entered.headers.get("location")!)).text())!;
    for (let i = 0; i < 5; i++) assert.equal((await browser.request(login.action, { ...login.hidden, username: "dave", password: `wrong-${i}` })).status, 400);
    const locked = await browser.request(login.action, { ...login.hidden, ...password("dave") });
    assert.equal(locked.status, 429);
    clock.advance(INTERVAL_MS);
    await expectError(await flow.poll(tv, started.device_code), "authorization_pending", PENDING);
    clock.advance(600_000);
    await expectError(await flow.poll(tv, started.device_code), "expired_token", EXPIRED);
  });
});

describe("device verification page (corpus L73; RFC 8628 §3.3, §5.1)", () => {
  let t: TestApp;
  let flow: ReturnType<typeof deviceFlow>;
  let tv: DeviceClient;
  const clock = new FakeClock();

  before(async () => {
    const options = { "grants.device-code": { ip_failure_limit: 6, browser_failure_limit: 3, lockout_seconds: 300 } };
    t = await startTestApp({ pluginOptions: JSON.stringify(options) }, { clock });
    flow = deviceFlow(t);
    const users = t.app.container.resolve(UserService);
    for (const name of ["alice", "grace"]) await users.create(password(name));
    tv = await t.createClient({ grant_types: [DEVICE_CODE], token_endpoint_auth_method: "none", client_name: "Living Room TV" });
  });
  after(() => t.stop());

  test("the page is core's: CSP, no framing, no caching, an HttpOnly SameSite=Lax form cookie, English or German", async () => {
    const res = await fetch(`${t.publicUrl}/device`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-security-policy")!, /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(res.headers.getSetCookie()[0]!, /^portcullis_form=[A-Za-z0-9_-]{43}; Path=\/device; Max-Age=3600; HttpOnly; SameSite=Lax$/);
    const html = await res.text();
    assert.match(html, /<html lang="en"/);
    assert.match(html, /<form method="post" action="http:\/\/127\.0\.0\.1:\d+\/device">/);
    const german = await (await fetch(`${t.publicUrl}/device`, { headers: { "accept-language": "fr;q=0.9, de-CH;q=0.95, en;q=0.5" } })).text();
    assert.match(german, /<html lang="de"/);
    assert.match(german, /Gerät verbinden/);
  });

  test("verification_uri_complete prefills the normalised code for the user to confirm (RFC 8628 §3.3.1)", async () => {
    const started = await flow.started(tv, {});
    const html = await (await fetch(`${started.verification_uri}?user_code=${started.user_code.toLowerCase().replace("-", "")}`)).text();
    assert.ok(html.includes(`value="${started.user_code}"`));
    assert.doesNotMatch(await (await fetch(`${started.verification_uri}?user_code=%22%3E%3Cscript%3E`)).text(), /<script>|name="user_code"[^>]*value=/);
  });

  test("input is normalised (case, dashes, spaces) and a code is single use", async () => {
    const started = await flow.started(tv, {});
    const typed = ` ${started.user_code.toLowerCase().replace("-", " ")} `;
    assert.equal((await flow.enter(new HttpBrowser(), typed)).status, 303);
    const again = await flow.enter(new HttpBrowser(), started.user_code);
    assert.equal(again.status, 400);
    assert.ok((await again.text()).includes(WRONG_CODE));
  });

  test("every miss gets the same generic answer: unknown, malformed, used and expired codes", async () => {
    const expired = await flow.started(tv, {});
    clock.advance(600_000);
    const browser = new HttpBrowser();
    for (const code of ["BCDF-GHJK", "not a code", expired.user_code]) {
      const res = await flow.enter(browser, code);
      assert.equal(res.status, 400);
      const html = await res.text();
      assert.ok(html.includes(WRONG_CODE), code);
      assert.match(html, /role="alert"/);
    }
    clock.advance(300_000); // this browser's misses are forgotten
  });

  test("a form without this browser's anti-CSRF token is refused and not counted", async () => {
    const started = await flow.started(tv, {});
    const forged = await t.postForm("/device", { user_code: started.user_code, csrf: "x".repeat(43) }, { cookie: `portcullis_form=${"y".repeat(43)}` });
    assert.equal(forged.status, 400);
    assert.match(await forged.text(), /This form has expired/);
    assert.equal((await flow.enter(new HttpBrowser(), started.user_code)).status, 303, "the code was not consumed");
  });

  test("wrong codes lock out the browser, then the client IP, for the lockout window", async () => {
    const valid = await flow.started(tv, {});
    const guesser = new HttpBrowser();
    for (let i = 0; i < 3; i++) assert.equal((await flow.enter(guesser, "BCDF-GHJK")).status, 400);
    const locked = await flow.enter(guesser, valid.user_code);
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get("retry-after"), "300");
    assert.match(await locked.text(), /Too many attempts/);

    for (let i = 0; i < 3; i++) assert.equal((await flow.enter(new HttpBrowser(), "BCDF-GHJK")).status, 400, "another browser is still let in");
    const ipLocked = await flow.enter(new HttpBrowser(), valid.user_code);
    assert.equal(ipLocked.status, 429, "six misses from one IP lock every browser there");

    clock.advance(300_000);
    assert.equal((await flow.enter(new HttpBrowser(), valid.user_code)).status, 303, "the valid code survived the lockout");
  });

  test("the sign-in's result is bound to the browser that signed in; denial and approval reach only the device they were for", async () => {
    const started = await flow.started(tv, { scope: "openid" });
    const browser = new HttpBrowser();
    const entered = await flow.enter(browser, started.user_code);
    const login = formOf(await (await browser.request(entered.headers.get("location")!)).text())!;
    const consentPage = await browser.request((await browser.request(login.action, { ...login.hidden, ...password("grace") })).headers.get("location")!);
    const consentHtml = await consentPage.text();
    assert.match(consentHtml, /Living Room TV/);
    const consent = formOf(consentHtml)!;
    const returned = await browser.request(consent.action, { ...consent.hidden, decision: "approve" });
    assert.equal(returned.status, 303);
    const completion = returned.headers.get("location")!;
    assert.match(completion, /\/device\/complete\?interaction_result=[A-Za-z0-9_-]{43}$/);
    assert.ok(returned.headers.getSetCookie().some((c) => /^portcullis_result=[A-Za-z0-9_-]{43}; Path=\/device\/complete; Max-Age=300; HttpOnly; SameSite=Lax$/.test(c)));

    const stolen = await new HttpBrowser().request(completion);
    assert.equal(stolen.status, 400);
    assert.match(await stolen.text(), /This request has expired/);
    await expectError(await flow.poll(tv, started.device_code), "authorization_pending", PENDING);

    const done = await browser.request(completion);
    assert.equal(done.status, 200);
    const replay = await browser.request(completion);
    assert.equal(replay.status, 400, "a result is read once");
    clock.advance(INTERVAL_MS);
    assert.equal((await flow.poll(tv, started.device_code)).status, 200);
  });

  test("the same sign-in as /authorize: SSO skips the login, consent is asked every time, a second factor is required", async () => {
    const browser = new HttpBrowser();
    const first = await flow.started(tv, { scope: "openid" });
    await flow.approve(browser, first.user_code, { credentials: password("alice"), consent: "approve" });
    const second = await flow.started(tv, { scope: "openid" });
    const entered = await flow.enter(browser, second.user_code);
    const next = await browser.request(entered.headers.get("location")!);
    assert.match(await next.text(), /Allow access\?/, "the SSO session skips the login; the device is confirmed on the consent page");

    const totp = t.app.container.resolve(TotpSecretService);
    await totp.enable("grace");
    const secret = totp.secretOf((await t.app.container.resolve(DI.Durable).users.findByUsername("grace"))!)!;
    const third = await flow.started(tv, { scope: "openid" });
    const fresh = new HttpBrowser();
    const atTotp = await fresh.authorize((await flow.enter(fresh, third.user_code)).headers.get("location")!, t.issuer, { credentials: password("grace") });
    const totpForm = formOf(atTotp.html!)!;
    assert.equal(totpForm.hidden.authenticator, "totp");
    const afterTotp = await fresh.request(totpForm.action, { ...totpForm.hidden, code: hotp(secret, timeStep(clock.now())) });
    const done = await fresh.authorize(afterTotp.headers.get("location")!, t.issuer, { consent: "approve" });
    assert.match(done.html!, /You may return to your device/);
    clock.advance(INTERVAL_MS);
    const tokens = (await (await flow.poll(tv, third.device_code)).json()) as { id_token: string };
    assert.deepEqual(claimsOf(tokens.id_token).amr, ["pwd", "otp"]);
    assert.equal(claimsOf(tokens.id_token).acr, "urn:portcullis:acr:mfa");
  });
});
