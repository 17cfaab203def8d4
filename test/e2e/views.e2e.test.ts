import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { EndpointResponse } from "../../src/transport/http/endpoint.js";
import { OAuthErrors } from "../../src/plugin-sdk/errors.js";
import { renderConsentPage } from "../../src/transport/http/views/consent.page.js";
import { renderErrorPage } from "../../src/transport/http/views/error.page.js";
import { formPostResponse } from "../../src/transport/http/views/form-post.page.js";
import { errorPageResponse, htmlResponse } from "../../src/transport/http/views/html-response.js";
import { html } from "../../src/transport/http/views/html.js";
import { renderLayout } from "../../src/transport/http/views/layout.js";
import { renderLoggedOutPage } from "../../src/transport/http/views/logged-out.page.js";
import { renderLoginPage } from "../../src/transport/http/views/login.page.js";
import { renderLogoutConfirmPage } from "../../src/transport/http/views/logout-confirm.page.js";
import { renderSelectAccountPage } from "../../src/transport/http/views/select-account.page.js";
import { browserSkipReason, launchBrowser } from "../support/browser.js";
import { RelyingParty } from "../support/relying-party.js";
import { pageModels, PASSWORD_FIELDS, XSS_PAYLOADS } from "../transport/http/views/page-fixtures.js";

const skip = browserSkipReason();

/** The pages under test on a loopback HTTP server, answering from `routes` and recording form posts. */
class PageServer {
  readonly posts: { path: string; form: Record<string, string> }[] = [];
  private server?: Server;
  constructor(private readonly routes: (path: string) => EndpointResponse | undefined) {}

  get origin(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url!, this.origin).pathname;
    if (req.method === "POST") {
      let body = "";
      for await (const chunk of req) body += chunk;
      this.posts.push({ path, form: Object.fromEntries(new URLSearchParams(body)) });
    }
    const response = this.routes(path) ?? { status: 404, headers: { "content-type": "text/plain" }, body: "not found" };
    res.writeHead(response.status, response.headers);
    res.end(response.body as string);
  }
}

/** Chromium with every console error, page error and CSP violation of the page recorded. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems };
}

/** Issue 3: the server-rendered pages in a real browser: strict CSP holds, labels work, form_post auto-submits. */
describe("views in headless Chromium", { skip }, () => {
  let browser: Browser;
  let site: PageServer;
  let rp: RelyingParty;
  const xss = XSS_PAYLOADS.join(" ");

  before(async () => {
    browser = await launchBrowser();
    rp = await new RelyingParty().start();
    const m = pageModels(xss);
    const clean = { locale: "en", action: "/submit", csrf: "csrf-1" };
    const pages: Record<string, () => EndpointResponse> = {
      "/xss/login": () => htmlResponse(200, renderLoginPage(m.login)),
      "/xss/consent": () => htmlResponse(200, renderConsentPage(m.consent)),
      "/xss/select-account": () => htmlResponse(200, renderSelectAccountPage(m.selectAccount)),
      "/xss/logout-confirm": () => htmlResponse(200, renderLogoutConfirmPage(m.logoutConfirm)),
      "/xss/logged-out": () => htmlResponse(200, renderLoggedOutPage(m.loggedOut)),
      "/xss/error": () => htmlResponse(200, renderErrorPage(m.error)),
      "/error": () => errorPageResponse(OAuthErrors.invalidRequest("redirect_uri is not registered")),
      "/login": () =>
        htmlResponse(200, renderLoginPage({ ...clean, clientName: "Shop", factor: "first", authenticatorId: "password", fields: PASSWORD_FIELDS })),
      "/consent": () => htmlResponse(200, renderConsentPage({ ...clean, clientName: "Shop", userName: "Alice", scopes: [{ scope: "openid" }, { scope: "email" }] })),
      "/form-post": () => formPostResponse({ action: `${rp.origin}/cb`, params: { code: "c-1", state: xss } }),
      "/redirect-form": () => htmlResponse(200, redirectForm()),
      "/redirect-form-allowed": () => htmlResponse(200, redirectForm(), { formActions: [`${rp.origin}/cb`] }),
      "/submit": () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "submitted" }),
      "/to-rp": () => ({ status: 303, headers: { location: `${rp.origin}/cb?code=c-2` } }),
      "/favicon.ico": () => ({ status: 204 }),
    };
    site = await new PageServer((path) => pages[path]?.()).start();
  });
  after(async () => {
    await browser?.close();
    await site?.stop();
    await rp?.stop();
  });

  /** A page whose form posts to /to-rp, which redirects to the relying party (as the consent step does). */
  const redirectForm = () =>
    renderLayout({ locale: "en", title: "t", body: html`<form method="post" action="/to-rp"><button type="submit">Continue</button></form>` });

  test("every page renders hostile model strings inertly under its CSP, styled in light and dark mode", async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    for (const path of ["/xss/login", "/xss/consent", "/xss/select-account", "/xss/logout-confirm", "/xss/logged-out", "/xss/error"]) {
      const response = await page.goto(site.origin + path);
      assert.equal(response?.status(), 200, path);
      assert.equal(await page.locator("main").count(), 1, path);
      assert.equal(await page.locator("img, svg, script").count(), 0, path);
      assert.equal(await page.locator("main").evaluate((e) => getComputedStyle(e).borderRadius), "12px", `${path}: stylesheet applied`);
      await page.emulateMedia({ colorScheme: "dark" });
      assert.equal(await page.locator("body").evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(11, 17, 32)", path);
      await page.emulateMedia({ colorScheme: "light" });
      assert.equal(await page.locator("body").evaluate((e) => getComputedStyle(e).backgroundColor), "rgb(243, 244, 246)", path);
    }
    assert.ok((await page.content()).includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the error page is a 400 page, not a redirect", async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    const response = await page.goto(`${site.origin}/error`);
    assert.equal(response?.status(), 400);
    assert.equal(page.url(), `${site.origin}/error`);
    assert.equal(await page.getByRole("heading").textContent(), "Something went wrong");
    assert.equal(await page.getByRole("alert").textContent(), "redirect_uri is not registered");
    assert.deepEqual(problems.filter((p) => !p.includes("status of 400")), []);
    await context.close();
  });

  test("login: fields are reachable by label, the first is focused, the form posts csrf and authenticator", async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(`${site.origin}/login`);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("name")), "username");
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("s3cret");
    await Promise.all([page.waitForURL(`${site.origin}/submit`), page.getByRole("button", { name: "Sign in" }).click()]);
    assert.deepEqual(site.posts.at(-1), { path: "/submit", form: { csrf: "csrf-1", authenticator: "password", username: "alice", password: "s3cret" } });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("consent: the approve button posts decision=approve", async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(`${site.origin}/consent`);
    assert.deepEqual(await page.locator(".scopes li").allTextContents(), ["Confirm your identityopenid", "See your email addressemail"]);
    await Promise.all([page.waitForURL(`${site.origin}/submit`), page.getByRole("button", { name: "Allow access" }).click()]);
    assert.deepEqual(site.posts.at(-1), { path: "/submit", form: { csrf: "csrf-1", decision: "approve" } });
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("form_post: the page auto-submits the parameters to the redirect URI (Form Post Response Mode §2)", async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    const [callback] = await Promise.all([rp.next("/cb"), page.goto(`${site.origin}/form-post`)]);
    assert.equal(callback.method, "POST");
    assert.deepEqual(Object.fromEntries(callback.form), { code: "c-1", state: xss });
    await page.waitForURL(`${rp.origin}/cb`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("form_post without JavaScript: the <noscript> button submits", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${site.origin}/form-post`);
    assert.deepEqual(rp.received.filter((c) => c.url.pathname === "/cb"), [], "nothing is submitted without a click");
    const [callback] = await Promise.all([rp.next("/cb"), page.getByRole("button", { name: "Continue to the application" }).click()]);
    assert.equal(callback.method, "POST");
    assert.deepEqual(Object.fromEntries(callback.form), { code: "c-1", state: xss });
    await context.close();
  });

  test("form-action also governs the redirect after a submit: the target must be in formActions", async () => {
    const context = await browser.newContext();
    const { page, problems } = await watchedPage(context);
    await page.goto(`${site.origin}/redirect-form`);
    await Promise.all([
      page.waitForEvent("console", { predicate: (m) => m.text().includes("form-action") }),
      page.getByRole("button", { name: "Continue" }).click(),
    ]);
    assert.notEqual(new URL(page.url()).origin, rp.origin);
    assert.ok(problems.some((p) => p.includes("form-action")), problems.join("\n"));

    const allowed = await watchedPage(context);
    await allowed.page.goto(`${site.origin}/redirect-form-allowed`);
    const [callback] = await Promise.all([rp.next("/cb"), allowed.page.getByRole("button", { name: "Continue" }).click()]);
    assert.equal(callback.url.searchParams.get("code"), "c-2");
    await allowed.page.waitForURL(`${rp.origin}/cb?code=c-2`);
    assert.deepEqual(allowed.problems, []);
    await context.close();
  });
});
