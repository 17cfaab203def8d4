import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as client from "openid-client";
import type { Browser, Page } from "playwright-core";
import { hotp, timeStep } from "../../plugins/authn/totp/rfc6238.js";
import { DI } from "../../src/core/di-tokens.js";
import { TotpSecretService } from "../../src/core/users/totp-secret.service.js";
import { UserService } from "../../src/core/users/user.service.js";
import { browserSkipReason, launchBrowser } from "../support/browser.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const skip = browserSkipReason();
const insecure = { execute: [client.allowInsecureRequests] };
const DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
const PASSWORD = "correct horse battery";

/**
 * The device flow end to end (RFC 8628): openid-client plays the device (device authorization, then polling), headless
 * chromium plays the user's phone on the verification page, through core's sign-in, second factor and consent pages.
 */
describe("device authorization grant in a real browser", { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let config: client.Configuration;
  let totpSecret: Buffer;

  before(async () => {
    // A 1 s interval keeps the polling device quick; openid-client waits it before every poll.
    t = await startTestApp({ pluginOptions: JSON.stringify({ "grants.device-code": { interval: 1 } }) });
    browser = await launchBrowser();
    const users = t.app.container.resolve(UserService);
    await users.create({ username: "alice", password: PASSWORD, name: "Alice Example" });
    await users.create({ username: "tom", password: PASSWORD, name: "Tom Example" });
    const totp = t.app.container.resolve(TotpSecretService);
    await totp.enable("tom");
    totpSecret = totp.secretOf((await t.app.container.resolve(DI.Durable).users.findByUsername("tom"))!)!;
    const tv = await t.createClient({ grant_types: [DEVICE_CODE, "refresh_token"], token_endpoint_auth_method: "none", client_name: "Living Room TV" });
    config = await client.discovery(new URL(t.issuer), tv.client_id, undefined, client.None(), insecure);
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function signIn(page: Page, username: string) {
    await page.getByLabel(/username/i).fill(username);
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  test("verification_uri_complete: the code is prefilled, the user signs in and consents, the device gets tokens", async () => {
    const device = await client.initiateDeviceAuthorization(config, { scope: "openid profile offline_access" });
    const polling = client.pollDeviceAuthorizationGrant(config, device);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(device.verification_uri_complete!);
    assert.equal(await page.getByLabel("Code").inputValue(), device.user_code);
    await page.getByRole("button", { name: "Continue" }).click();
    await signIn(page, "alice");
    await assert.doesNotReject(page.getByText("Living Room TV").first().waitFor());
    await page.getByRole("button", { name: "Allow access" }).click();
    await page.getByRole("heading", { name: "Device connected" }).waitFor();
    assert.ok(page.url().startsWith(`${t.issuer}/device/complete?`));

    const tokens = await polling;
    const claims = tokens.claims()!;
    assert.equal(claims.aud, config.clientMetadata().client_id);
    assert.deepEqual(claims.amr, ["pwd"]);
    assert.equal(typeof claims.sid, "string");
    assert.equal(tokens.scope, "openid profile offline_access");
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.name, "Alice Example");
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token);
    await context.close();
  });

  test("a typed code in any case with spaces, and a second factor on the way", async () => {
    const device = await client.initiateDeviceAuthorization(config, { scope: "openid" });
    const polling = client.pollDeviceAuthorizationGrant(config, device);
    const context = await browser.newContext({ locale: "de-DE" });
    const page = await context.newPage();
    await page.goto(device.verification_uri);
    await page.getByRole("heading", { name: "Gerät verbinden" }).waitFor();
    await page.getByLabel("Code").fill(` ${device.user_code.toLowerCase().replace("-", " ")} `);
    await page.getByRole("button", { name: "Weiter" }).click();
    await page.getByLabel(/Benutzername/).fill("tom");
    await page.getByLabel(/Passwort/).fill(PASSWORD);
    await page.getByRole("button", { name: "Anmelden" }).click();
    await page.getByLabel(/Bestätigungscode/).fill(hotp(totpSecret, timeStep(Date.now())));
    await page.getByRole("button", { name: "Code bestätigen" }).click();
    await page.getByRole("button", { name: "Zugriff erlauben" }).click();
    await page.getByRole("heading", { name: "Gerät verbunden" }).waitFor();

    const claims = (await polling).claims()!;
    assert.deepEqual(claims.amr, ["pwd", "otp"]);
    assert.equal(claims.acr, "urn:portcullis:acr:mfa");
    await context.close();
  });

  test("a wrong code shows the generic error on the page; a denial reaches the polling device as access_denied", async () => {
    const device = await client.initiateDeviceAuthorization(config, { scope: "openid" });
    // The assertion is attached at once: the poll may end (access_denied) while the page is still being read.
    const denied = assert.rejects(client.pollDeviceAuthorizationGrant(config, device), (e: Error & { error?: string }) => e.error === "access_denied");
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(device.verification_uri);
    await page.getByLabel("Code").fill("BCDF-GHJK");
    await page.getByRole("button", { name: "Continue" }).click();
    await assert.doesNotReject(page.getByRole("alert").filter({ hasText: "That code is not valid" }).waitFor());
    await page.getByLabel("Code").fill(device.user_code);
    await page.getByRole("button", { name: "Continue" }).click();
    await signIn(page, "alice");
    await page.getByRole("button", { name: "Deny access" }).click();
    await page.getByRole("heading", { name: "Access denied" }).waitFor();
    await denied;
    await context.close();
  });
});
