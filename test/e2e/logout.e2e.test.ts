import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext } from "playwright-core";
import { SESSION_COOKIE } from "../../src/transport/http/cookies.js";
import { browserSkipReason, launchBrowser } from "../support/browser.js";
import { RelyingParty } from "../support/relying-party.js";
import { startLogoutFixture, type LogoutFixture } from "../integration/http/logout-fixture.js";

const skip = browserSkipReason();

/**
 * The logout confirmation in headless Chromium (OIDC RP-Initiated Logout §2–3): the page's CSP must let the redirect
 * that follows its submit reach the validated post_logout_redirect_uri (CSP form-action governs it), with `state`.
 */
describe("RP-initiated logout confirmation in a real browser", { skip }, () => {
  let f: LogoutFixture;
  let rp: RelyingParty;
  let browser: Browser;
  let clientId: string;

  before(async () => {
    rp = await new RelyingParty().start();
    f = await startLogoutFixture();
    clientId = await f.registerRp({ post_logout_redirect_uris: [`${rp.origin}/bye`] });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await rp?.stop();
    await f?.close();
  });

  /** A browser context holding a fresh session of `userId`, and an ID token of another session (so the user is asked). */
  async function signedInContext(userId: string): Promise<{ context: BrowserContext; sessionId: string; hint: string }> {
    const { session, cookie } = await f.signIn(userId, [clientId]);
    const other = await f.signIn(userId, [clientId]);
    const context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: cookie.slice(SESSION_COOKIE.length + 1), url: f.test.issuer }]);
    return { context, sessionId: session.id, hint: await f.idToken(clientId, other.session) };
  }

  const endSessionUrl = (hint: string, state: string) =>
    `${f.test.issuer}/end_session?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: `${rp.origin}/bye`, state })}`;

  test("Sign out ends the session, clears the cookie and lands at the RP with state", async () => {
    const { context, sessionId, hint } = await signedInContext("alice");
    try {
      const page = await context.newPage();
      await page.goto(endSessionUrl(hint, "st 1"));
      await page.locator("button[name=logout][value=yes]").click();
      await page.waitForURL((u) => u.href.startsWith(`${rp.origin}/bye`));
      assert.equal(new URL(page.url()).searchParams.get("state"), "st 1");
      assert.equal(await f.sessions.get(sessionId), undefined);
      assert.deepEqual((await context.cookies(f.test.issuer)).map((c) => c.name), []);
    } finally {
      await context.close();
    }
  });

  test("Stay signed in returns to the RP with state and keeps the session", async () => {
    const { context, sessionId, hint } = await signedInContext("bob");
    try {
      const page = await context.newPage();
      await page.goto(endSessionUrl(hint, "kept"));
      await page.locator("button[name=logout][value=no]").click();
      await page.waitForURL((u) => u.href.startsWith(`${rp.origin}/bye`));
      assert.equal(new URL(page.url()).searchParams.get("state"), "kept");
      assert.ok(await f.sessions.get(sessionId));
    } finally {
      await context.close();
    }
  });
});
