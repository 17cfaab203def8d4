import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DI } from "../../src/core/di-tokens.js";
import { formOf } from "../support/http-browser.js";
import { startLogoutFixture, type LogoutFixture, type SignedIn } from "../integration/http/logout-fixture.js";

const BYE = "https://rp.example.com/bye";
const BYE_WITH_QUERY = "https://rp.example.com/bye?tenant=1";
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const decodePart = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString()) as Record<string, unknown>;

/** Headers every page of the logout flow carries (corpus A8). */
function assertPageHeaders(response: Response): void {
  assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(response.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
  assert.equal(response.headers.get("x-frame-options"), "DENY");
  assert.equal(response.headers.get("referrer-policy"), "no-referrer");
  assert.equal(response.headers.get("cache-control"), "no-store");
  assert.equal(response.headers.get("access-control-allow-origin"), null);
}

/** An error page: 400, no redirect of any kind, the error code shown (corpus A9, K67). */
async function assertErrorPage(response: Response, description: string): Promise<void> {
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("location"), null);
  assertPageHeaders(response);
  const html = await response.text();
  assert.match(html, /invalid_request/);
  assert.ok(html.includes(description), `page should say "${description}"`);
  assert.doesNotMatch(html, /http-equiv="refresh"|<script/i);
}

/** OIDC RP-Initiated Logout 1.0 §2–3 at /end_session: corpus K67 and A9 (no open redirect on /logout). */
describe("RP-initiated logout (corpus K67, A9)", () => {
  let f: LogoutFixture;
  let rp: string;
  let otherRp: string;

  before(async () => {
    f = await startLogoutFixture();
    rp = await f.registerRp({ post_logout_redirect_uris: [BYE, BYE_WITH_QUERY] });
    otherRp = await f.registerRp({ post_logout_redirect_uris: ["https://other.example.com/bye"] });
  });
  after(() => f.close());

  /** A session in which `rp` got tokens, and an ID token of another session (so the confirmation is asked). */
  const signedIn = async (): Promise<SignedIn & { hint: string }> => {
    const browser = await f.signIn("alice", [rp]);
    const earlier = await f.signIn("alice", [rp]);
    return { ...browser, hint: await f.idToken(rp, earlier.session) };
  };
  const live = async (browser: SignedIn) => (await f.sessions.get(browser.session.id)) !== undefined;

  describe("refused with an error page and no redirect", () => {
    it("an unregistered post_logout_redirect_uri (oidcc-rp-initiated-logout-bad-post-logout-redirect-uri)", async () => {
      const browser = await signedIn();
      const response = await f.request("/end_session", { query: { id_token_hint: browser.hint, post_logout_redirect_uri: "https://evil.example/bye", state: "s" }, cookie: browser.cookie });
      await assertErrorPage(response, "post_logout_redirect_uri is not registered for the client");
      assert.ok(await live(browser), "the session is not ended");
    });

    it("a query added to a registered URI, and other near-misses (-query-added-to-post-logout-redirect-uri)", async () => {
      const browser = await signedIn();
      for (const uri of [`${BYE}?x=1`, `${BYE}/`, "https://RP.example.com/bye", "https://rp.example.com:443/bye", `${BYE_WITH_QUERY}&x=1`, `${BYE}#f`]) {
        const response = await f.request("/end_session", { query: { id_token_hint: browser.hint, post_logout_redirect_uri: uri, state: "s" }, cookie: browser.cookie });
        await assertErrorPage(response, "post_logout_redirect_uri is not registered for the client");
      }
    });

    it("an id_token_hint changed to alg none (-modified-id-token-hint)", async () => {
      const browser = await signedIn();
      const [header, payload] = browser.hint.split(".") as [string, string];
      const unsigned = `${b64({ ...decodePart(header), alg: "none" })}.${payload}.`;
      const response = await f.request("/end_session", { query: { id_token_hint: unsigned, post_logout_redirect_uri: BYE, state: "s" }, cookie: browser.cookie });
      await assertErrorPage(response, "id_token_hint is invalid");
      assert.ok(await live(browser));
    });

    it("an id_token_hint with a bad signature (-bad-id-token-hint)", async () => {
      const browser = await signedIn();
      const [header, payload, signature] = browser.hint.split(".") as [string, string, string];
      const tampered = `${header}.${b64({ ...decodePart(payload), sub: "mallory" })}.${signature}`;
      const flipped = `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
      for (const hint of [tampered, flipped, "garbage"]) {
        const response = await f.request("/end_session", { query: { id_token_hint: hint, post_logout_redirect_uri: BYE, state: "s" }, cookie: browser.cookie });
        await assertErrorPage(response, "id_token_hint is invalid");
      }
    });

    it("a client_id that is not the hint's audience, or another client's URI", async () => {
      const browser = await signedIn();
      const mismatch = await f.request("/end_session", { query: { id_token_hint: browser.hint, client_id: otherRp, post_logout_redirect_uri: "https://other.example.com/bye" }, cookie: browser.cookie });
      await assertErrorPage(mismatch, "client_id does not match id_token_hint");
      const foreignUri = await f.request("/end_session", { query: { id_token_hint: browser.hint, post_logout_redirect_uri: "https://other.example.com/bye" }, cookie: browser.cookie });
      await assertErrorPage(foreignUri, "post_logout_redirect_uri is not registered for the client");
    });

    it("a post_logout_redirect_uri without id_token_hint or client_id, an unknown client_id, a repeated parameter", async () => {
      const browser = await signedIn();
      await assertErrorPage(await f.request("/end_session", { query: { post_logout_redirect_uri: BYE }, cookie: browser.cookie }), "post_logout_redirect_uri requires id_token_hint or client_id");
      await assertErrorPage(await f.request("/end_session", { query: { client_id: "nope", post_logout_redirect_uri: BYE } }), "unknown client");
      const repeated = await fetch(`${f.test.publicUrl}/end_session?client_id=${rp}&post_logout_redirect_uri=${encodeURIComponent(BYE)}&post_logout_redirect_uri=x`, { redirect: "manual" });
      await assertErrorPage(repeated, "must not be repeated");
    });
  });

  describe("a valid request", () => {
    it("asks for confirmation, then ends the session, clears the cookie and redirects with state (GET)", async () => {
      const browser = await signedIn();
      const page = await f.request("/end_session", { query: { id_token_hint: browser.hint, post_logout_redirect_uri: BYE, state: "st&ate 1" }, cookie: browser.cookie });
      assert.equal(page.status, 200);
      assertPageHeaders(page);
      const html = await page.text();
      const form = formOf(html);
      assert.equal(form?.action, `${f.test.issuer}/end_session/confirm`);
      assert.match(form!.hidden.csrf ?? "", /^[A-Za-z0-9_-]{43}$/);
      assert.ok(html.includes("RP 1"), "the page names the client");
      assert.match(page.headers.get("content-security-policy") ?? "", /form-action 'self' https:\/\/rp\.example\.com\/bye;/, "the redirect after the submit is allowed by CSP");
      assert.ok(await live(browser), "nothing ends before the user confirms");

      const done = await f.request("/end_session/confirm", { form: { ...form!.hidden, logout: "yes" }, cookie: browser.cookie });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get("location"), `${BYE}?state=st%26ate%201`);
      assert.equal(done.headers.get("cache-control"), "no-store");
      assert.equal(done.headers.get("referrer-policy"), "no-referrer");
      assert.deepEqual(done.headers.getSetCookie(), ["portcullis_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"]);
      assert.equal(await live(browser), false);
    });

    it("works by POST, appends state to a registered query, and accepts client_id alone (§2)", async () => {
      const browser = await signedIn();
      const page = await f.request("/end_session", { form: { client_id: rp, post_logout_redirect_uri: BYE_WITH_QUERY, state: "xyz" }, cookie: browser.cookie });
      assert.equal(page.status, 200);
      const form = formOf(await page.text())!;
      const done = await f.request("/end_session/confirm", { form: { ...form.hidden, logout: "yes" }, cookie: browser.cookie });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get("location"), `${BYE_WITH_QUERY}&state=xyz`);
      assert.equal(await live(browser), false);
    });

    it("without post_logout_redirect_uri shows the logged-out page and never redirects to state alone (-only-state)", async () => {
      const browser = await signedIn();
      const page = await f.request("/end_session", { query: { id_token_hint: browser.hint, state: "only" }, cookie: browser.cookie });
      const form = formOf(await page.text())!;
      const done = await f.request("/end_session/confirm", { form: { ...form.hidden, logout: "yes" }, cookie: browser.cookie });
      assert.equal(done.status, 200);
      assert.equal(done.headers.get("location"), null);
      assertPageHeaders(done);
      assert.match(await done.text(), /You are signed out/);
      assert.equal(done.headers.getSetCookie().length, 1);
      assert.equal(await live(browser), false);
    });

    it("ends the session at once when the hint's sid is the browser's session and the RP is identified", async () => {
      const browser = await f.signIn("bob", [rp]);
      const hint = await f.idToken(rp, browser.session);
      const done = await f.request("/end_session", { query: { id_token_hint: hint, post_logout_redirect_uri: BYE, state: "s1" }, cookie: browser.cookie });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get("location"), `${BYE}?state=s1`);
      assert.match(done.headers.getSetCookie()[0] ?? "", /^portcullis_session=; Path=\/; Max-Age=0;/);
      assert.equal(await live(browser), false);
    });

    it("accepts an expired id_token_hint (RP-Initiated Logout §2)", async () => {
      const browser = await f.signIn("carol", [rp]);
      const hint = await f.idToken(rp, browser.session);
      f.clock.advance(2 * 3600 * 1000);
      const done = await f.request("/end_session", { query: { id_token_hint: hint, post_logout_redirect_uri: BYE, state: "late" }, cookie: browser.cookie });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get("location"), `${BYE}?state=late`);
    });

    it("without a session redirects straight to the validated URI (nothing to end)", async () => {
      const browser = await signedIn();
      const done = await f.request("/end_session", { query: { id_token_hint: browser.hint, post_logout_redirect_uri: BYE, state: "gone" } });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get("location"), `${BYE}?state=gone`);
      assert.deepEqual(done.headers.getSetCookie(), []);
      assert.ok(await live(browser));
    });
  });

  describe("the confirmation form (CSRF)", () => {
    it("refuses a missing, made-up or reused token, and a token issued for another browser's session", async () => {
      const victim = await signedIn();
      const attacker = await signedIn();
      await assertErrorPage(await f.request("/end_session/confirm", { form: { logout: "yes" }, cookie: victim.cookie }), "has expired or was already answered");
      await assertErrorPage(await f.request("/end_session/confirm", { form: { csrf: "A".repeat(43), logout: "yes" }, cookie: victim.cookie }), "has expired or was already answered");

      const attackerPage = formOf(await (await f.request("/end_session", { query: { client_id: rp, post_logout_redirect_uri: BYE }, cookie: attacker.cookie })).text())!;
      const forged = await f.request("/end_session/confirm", { form: { ...attackerPage.hidden, logout: "yes" }, cookie: victim.cookie });
      await assertErrorPage(forged, "you signed in again since this sign-out was requested");
      assert.ok(await live(victim), "the victim's session survives");
      assert.ok(await live(attacker), "the token was consumed without ending anything");

      const page = formOf(await (await f.request("/end_session", { query: { client_id: rp }, cookie: victim.cookie })).text())!;
      assert.equal((await f.request("/end_session/confirm", { form: { ...page.hidden, logout: "yes" }, cookie: victim.cookie })).status, 200);
      await assertErrorPage(await f.request("/end_session/confirm", { form: { ...page.hidden, logout: "yes" }, cookie: victim.cookie }), "has expired or was already answered");
    });

    it("logout=no keeps the session: back to the validated URI with state, else 204", async () => {
      const browser = await signedIn();
      const withTarget = formOf(await (await f.request("/end_session", { query: { id_token_hint: browser.hint, post_logout_redirect_uri: BYE, state: "kept" }, cookie: browser.cookie })).text())!;
      const back = await f.request("/end_session/confirm", { form: { ...withTarget.hidden, logout: "no" }, cookie: browser.cookie });
      assert.equal(back.status, 303);
      assert.equal(back.headers.get("location"), `${BYE}?state=kept`);
      assert.deepEqual(back.headers.getSetCookie(), []);

      const withoutTarget = formOf(await (await f.request("/end_session", { query: { id_token_hint: browser.hint }, cookie: browser.cookie })).text())!;
      const stay = await f.request("/end_session/confirm", { form: { ...withoutTarget.hidden, logout: "no" }, cookie: browser.cookie });
      assert.equal(stay.status, 204);
      assert.equal(stay.headers.get("location"), null);
      assert.ok(await live(browser));
    });

    it("drops the redirect when the client unregistered the URI before the user answered", async () => {
      const client = await f.registerRp({ post_logout_redirect_uris: [BYE] });
      const browser = await f.signIn("dave", [client]);
      const form = formOf(await (await f.request("/end_session", { query: { client_id: client, post_logout_redirect_uri: BYE, state: "s" }, cookie: browser.cookie })).text())!;
      const registry = f.test.app.container.resolve(DI.ClientRegistry);
      const current = (await registry.get(client))!;
      await registry.update(client, { ...current.metadata, post_logout_redirect_uris: ["https://rp.example.com/elsewhere"] }, "operator");
      const done = await f.request("/end_session/confirm", { form: { ...form.hidden, logout: "yes" }, cookie: browser.cookie });
      assert.equal(done.status, 200);
      assert.equal(done.headers.get("location"), null);
      assert.equal(await live(browser), false);
    });
  });
});
