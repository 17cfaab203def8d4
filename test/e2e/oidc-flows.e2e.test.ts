import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair } from "jose";
import * as client from "openid-client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DI } from "../../src/core/di-tokens.js";
import { TotpSecretService } from "../../src/core/users/totp-secret.service.js";
import { UserService } from "../../src/core/users/user.service.js";
import { hotp, timeStep } from "../../plugins/authn/totp/rfc6238.js";
import { browserSkipReason, launchBrowser } from "../support/browser.js";
import { ShiftedClock } from "../support/fake-clock.js";
import { RelyingParty } from "../support/relying-party.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const skip = browserSkipReason();
const insecure = { execute: [client.allowInsecureRequests] };
const PASSWORD = "correct horse battery";

/**
 * Issue 3 item 12: every browser flow driven end to end by openid-client (a certified RP library) through headless
 * chromium: sign-in pages, consent, SSO, prompt/max_age, PAR, JARM, hybrid, native loopback redirects and logout.
 */
describe("OpenID Connect flows in a real browser", { skip }, () => {
  let t: TestApp;
  let rp: RelyingParty;
  let browser: Browser;
  const clock = new ShiftedClock();

  before(async () => {
    // The relying party (callbacks and back-channel logout) listens on loopback.
    t = await startTestApp({ fetchAllowPrivate: "true" }, { clock });
    rp = await new RelyingParty().start();
    browser = await launchBrowser();
    const users = t.app.container.resolve(UserService);
    await users.create({ username: "alice", password: PASSWORD, email: "alice@example.test", name: "Alice Example" });
    await users.create({ username: "bob", password: PASSWORD, name: "Bob Example" });
  });
  after(async () => {
    await browser?.close();
    await rp?.stop();
    await t?.stop();
  });

  /** A confidential web client registered by the operator, and openid-client configured for it by discovery. */
  async function webClient(metadata: Record<string, unknown> = {}) {
    const registered = await t.createClient({
      redirect_uris: [`${rp.origin}/cb`],
      post_logout_redirect_uris: [`${rp.origin}/logged-out`],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      client_name: "Example Web App",
      ...metadata,
    });
    const config = await client.discovery(new URL(t.issuer), registered.client_id, undefined, client.ClientSecretBasic(registered.client_secret!), insecure);
    return { registered, config };
  }

  async function authorizationUrl(config: client.Configuration, extra: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const checks = { pkceCodeVerifier: verifier, expectedState: client.randomState(), expectedNonce: client.randomNonce() };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: `${rp.origin}/cb`,
      scope: "openid profile email offline_access",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: checks.expectedState,
      nonce: checks.expectedNonce,
      ...extra,
    });
    return { url, checks };
  }

  async function signIn(page: Page, username = "alice", password = PASSWORD) {
    await page.getByLabel(/username/i).fill(username);
    await page.getByLabel(/password/i).fill(password);
    await page.locator("form button[type=submit], form input[type=submit]").first().click();
  }

  /** Goes to `url` and returns the URL the browser lands on at the relying party (query or fragment response). */
  async function landAt(page: Page, path = "/cb") {
    await page.waitForURL((u) => u.href.startsWith(`${rp.origin}${path}`));
    return new URL(page.url());
  }

  async function approveConsent(page: Page) {
    await page.locator("button[name=decision][value=approve]").click();
  }

  async function freshContext(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    return { context, page: await context.newPage() };
  }

  test("code flow with PKCE: sign in, consent, tokens and ID token accepted by openid-client, userinfo, SSO on the next request", async () => {
    const { config } = await webClient();
    const { context, page } = await freshContext();
    const first = await authorizationUrl(config);
    await page.goto(first.url.href);
    await signIn(page);
    await approveConsent(page);
    const callback = await landAt(page);
    assert.equal(callback.searchParams.get("iss"), t.issuer);
    const tokens = await client.authorizationCodeGrant(config, callback, first.checks);
    const claims = tokens.claims()!;
    assert.equal(claims.iss, t.issuer);
    assert.equal(claims.nonce, first.checks.expectedNonce);
    assert.equal(typeof claims.sid, "string");
    assert.equal(typeof claims.auth_time, "number");
    assert.deepEqual(claims.amr, ["pwd"]);
    assert.ok(tokens.refresh_token, "offline_access gives a refresh token");
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.email, "alice@example.test");
    assert.equal(userinfo.name, "Alice Example");

    // SSO: the same browser gets a code without any page (consent remembered), prompt=none included.
    const second = await authorizationUrl(config, { prompt: "none" });
    await page.goto(second.url.href);
    const silent = await client.authorizationCodeGrant(config, await landAt(page), second.checks);
    assert.equal(silent.claims()!.sub, claims.sub);
    assert.equal(silent.claims()!.sid, claims.sid);
    assert.equal(silent.claims()!.auth_time, claims.auth_time);
    await context.close();
  });

  test("a wrong password shows an error on the page and nothing reaches the client; the right one then succeeds", async () => {
    const { config } = await webClient({ skip_consent: true });
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config);
    await page.goto(url.href);
    await signIn(page, "alice", "wrong password");
    await assert.doesNotReject(page.getByRole("alert").waitFor());
    assert.ok(!page.url().startsWith(rp.origin));
    await signIn(page);
    const tokens = await client.authorizationCodeGrant(config, await landAt(page), checks);
    assert.ok(tokens.access_token);
    await context.close();
  });

  test("consent denial returns access_denied with state and iss, which openid-client reports", async () => {
    const { config } = await webClient();
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config);
    await page.goto(url.href);
    await signIn(page, "bob");
    await page.locator("button[name=decision][value=deny]").click();
    const callback = await landAt(page);
    assert.equal(callback.searchParams.get("error"), "access_denied");
    assert.equal(callback.searchParams.get("state"), checks.expectedState);
    assert.equal(callback.searchParams.get("iss"), t.issuer);
    await assert.rejects(client.authorizationCodeGrant(config, callback, checks), (e: Error & { error?: string }) => e.error === "access_denied");
    await context.close();
  });

  test("a user enrolled in TOTP signs in with password then code: amr pwd+otp and the multi-factor acr", async () => {
    await t.app.container.resolve(UserService).create({ username: "carol", password: PASSWORD });
    const totp = t.app.container.resolve(TotpSecretService);
    await totp.enable("carol");
    const secret = totp.secretOf((await t.app.container.resolve(DI.Durable).users.findByUsername("carol"))!)!;
    const { config } = await webClient({ skip_consent: true });
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config);
    await page.goto(url.href);
    await signIn(page, "carol");
    await page.locator("input[name=code]").fill("000000" === hotp(secret, timeStep(clock.now())) ? "111111" : "000000");
    await page.locator("form button[type=submit]").first().click();
    await page.getByRole("alert").waitFor();
    await page.locator("input[name=code]").fill(hotp(secret, timeStep(clock.now())));
    await page.locator("form button[type=submit]").first().click();
    const claims = (await client.authorizationCodeGrant(config, await landAt(page), checks)).claims()!;
    assert.deepEqual(claims.amr, ["pwd", "otp"]);
    assert.equal(claims.acr, "urn:portcullis:acr:mfa");
    await context.close();
  });

  test("prompt=none without a session is login_required at the redirect URI", async () => {
    const { config } = await webClient();
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config, { prompt: "none" });
    await page.goto(url.href);
    const callback = await landAt(page);
    await assert.rejects(client.authorizationCodeGrant(config, callback, checks), (e: Error & { error?: string }) => e.error === "login_required");
    await context.close();
  });

  test("code reuse is invalid_grant and revokes the first redemption's tokens (userinfo 401)", async () => {
    const { config } = await webClient({ skip_consent: true });
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config);
    await page.goto(url.href);
    await signIn(page);
    const callback = await landAt(page);
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    await assert.rejects(client.authorizationCodeGrant(config, callback, checks), (e: Error & { error?: string }) => e.error === "invalid_grant");
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub), (e: Error & { status?: number }) => e.status === 401);
    await context.close();
  });

  test("prompt=login and max_age force a new sign-in with a later auth_time", async () => {
    const { config } = await webClient({ skip_consent: true });
    const { context, page } = await freshContext();
    const first = await authorizationUrl(config);
    await page.goto(first.url.href);
    await signIn(page);
    const authTime = (await client.authorizationCodeGrant(config, await landAt(page), first.checks)).claims()!.auth_time!;
    clock.advance(2000);
    for (const extra of [{ prompt: "login" }, { max_age: "1" }] as Record<string, string>[]) {
      const again = await authorizationUrl(config, extra);
      await page.goto(again.url.href);
      await signIn(page);
      const tokens = await client.authorizationCodeGrant(config, await landAt(page), { ...again.checks, ...(extra.max_age ? { maxAge: 1 } : {}) });
      assert.ok(tokens.claims()!.auth_time! > authTime, JSON.stringify(extra));
      clock.advance(2000);
    }
    await context.close();
  });

  test("native app: loopback redirect on any port (RFC 8252 §7.3), public client with PKCE", async () => {
    const registered = await t.createClient({
      application_type: "native",
      token_endpoint_auth_method: "none",
      redirect_uris: ["http://127.0.0.1/cb"],
      grant_types: ["authorization_code"],
      skip_consent: true,
    });
    const config = await client.discovery(new URL(t.issuer), registered.client_id, undefined, client.None(), insecure);
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config, { redirect_uri: `${rp.origin}/cb` });
    await page.goto(url.href);
    await signIn(page);
    const tokens = await client.authorizationCodeGrant(config, await landAt(page), checks);
    assert.ok(tokens.claims()!.sub);
    // A different path is not the registered URI: an error page, no redirect.
    const wrong = await authorizationUrl(config, { redirect_uri: `${rp.origin}/other` });
    const response = await page.goto(wrong.url.href);
    assert.equal(response!.status(), 400);
    assert.ok(page.url().startsWith(t.issuer));
    await context.close();
  });

  test("PAR: openid-client pushes the request and the browser completes it", async () => {
    const { config } = await webClient({ skip_consent: true, require_pushed_authorization_requests: true });
    const { context, page } = await freshContext();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: `${rp.origin}/cb`,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
    });
    assert.ok(url.searchParams.get("request_uri")!.startsWith("urn:ietf:params:oauth:request_uri:"));
    await page.goto(url.href);
    await signIn(page);
    const tokens = await client.authorizationCodeGrant(config, await landAt(page), { pkceCodeVerifier: verifier, expectedState: state });
    assert.ok(tokens.claims()!.sub);
    await context.close();
  });

  test("JAR: openid-client signs the request object (ES256) and the browser completes it", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: "jar-1", alg: "ES256", use: "sig" };
    const { config } = await webClient({ skip_consent: true, jwks: { keys: [jwk] }, request_object_signing_alg: "ES256" });
    const { context, page } = await freshContext();
    const { url: plain, checks } = await authorizationUrl(config);
    const url = await client.buildAuthorizationUrlWithJAR(config, plain.searchParams, { key: privateKey, kid: "jar-1" });
    assert.ok(url.searchParams.get("request"));
    assert.equal(url.searchParams.get("nonce"), null, "only the request object carries the parameters");
    await page.goto(url.href);
    await signIn(page);
    const tokens = await client.authorizationCodeGrant(config, await landAt(page), checks);
    assert.equal(tokens.claims()!.nonce, checks.expectedNonce);
    await context.close();
  });

  test("JARM (response_mode=jwt) validated by openid-client, ES256 registered alg", async () => {
    const { config } = await webClient({ skip_consent: true, authorization_signed_response_alg: "ES256" });
    client.useJwtResponseMode(config);
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config);
    await page.goto(url.href);
    await signIn(page);
    const callback = await landAt(page);
    assert.ok(callback.searchParams.get("response"));
    assert.equal(callback.searchParams.get("code"), null);
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    assert.ok(tokens.claims()!.sub);
    await context.close();
  });

  test("hybrid code id_token with form_post, validated by openid-client", async () => {
    const { config } = await webClient({ skip_consent: true, response_types: ["code id_token"], grant_types: ["authorization_code", "implicit"] });
    client.useCodeIdTokenResponseType(config);
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config, { response_mode: "form_post" });
    await page.goto(url.href);
    await signIn(page);
    const posted = await rp.next("/cb", "POST");
    assert.equal(posted.method, "POST");
    assert.ok(posted.form.get("id_token"));
    const request = new Request(`${rp.origin}/cb`, { method: "POST", body: posted.form, headers: { "content-type": "application/x-www-form-urlencoded" } });
    const tokens = await client.authorizationCodeGrant(config, request, checks);
    assert.ok(tokens.claims()!.sub);
    await context.close();
  });

  test("RP-initiated logout with id_token_hint, post_logout_redirect_uri and state; back-channel logout token; then prompt=none is login_required", async () => {
    const { config } = await webClient({ skip_consent: true, backchannel_logout_uri: `${rp.origin}/bc` });
    const { context, page } = await freshContext();
    const { url, checks } = await authorizationUrl(config);
    await page.goto(url.href);
    await signIn(page);
    const tokens = await client.authorizationCodeGrant(config, await landAt(page), checks);
    const state = client.randomState();
    const logoutUrl = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${rp.origin}/logged-out`, state });
    await page.goto(logoutUrl.href);
    if (!page.url().startsWith(rp.origin)) await page.locator("button[name=logout][value=yes]").click();
    const landed = await landAt(page, "/logged-out");
    assert.equal(landed.searchParams.get("state"), state);
    const backchannel = await rp.next("/bc", "POST");
    const logoutToken = JSON.parse(Buffer.from(backchannel.form.get("logout_token")!.split(".")[1]!, "base64url").toString());
    assert.equal(logoutToken.sid, tokens.claims()!.sid);
    assert.equal(logoutToken.sub, tokens.claims()!.sub);
    assert.equal(logoutToken.nonce, undefined);
    const again = await authorizationUrl(config, { prompt: "none" });
    await page.goto(again.url.href);
    await assert.rejects(client.authorizationCodeGrant(config, await landAt(page), again.checks), (e: Error & { error?: string }) => e.error === "login_required");
    await context.close();
  });
});
