import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderConsentPage } from "../../../../src/transport/http/views/consent.page.js";
import { renderErrorPage } from "../../../../src/transport/http/views/error.page.js";
import { AUTO_SUBMIT_HASH, formPostResponse, renderFormPostPage } from "../../../../src/transport/http/views/form-post.page.js";
import { renderLoggedOutPage } from "../../../../src/transport/http/views/logged-out.page.js";
import { renderLoginPage } from "../../../../src/transport/http/views/login.page.js";
import { renderLogoutConfirmPage } from "../../../../src/transport/http/views/logout-confirm.page.js";
import { renderPluginPage } from "../../../../src/transport/http/views/plugin.page.js";
import { renderSelectAccountPage } from "../../../../src/transport/http/views/select-account.page.js";
import { pageModels, PASSWORD_FIELDS, TOTP_FIELDS, XSS_PAYLOADS } from "./page-fixtures.js";

/** Every page rendered with `text` in every string of its model. */
function renderAll(text: string): Record<string, string> {
  const m = pageModels(text);
  return {
    login: renderLoginPage(m.login),
    consent: renderConsentPage(m.consent),
    selectAccount: renderSelectAccountPage(m.selectAccount),
    logoutConfirm: renderLogoutConfirmPage(m.logoutConfirm),
    loggedOut: renderLoggedOutPage(m.loggedOut),
    error: renderErrorPage(m.error),
    formPost: renderFormPostPage(m.formPost),
    plugin: renderPluginPage(m.plugin),
  };
}

const base = { locale: "en", action: "/interaction/i1/login", csrf: "tok" } as const;

describe("pages", () => {
  for (const payload of XSS_PAYLOADS) {
    it(`escapes ${JSON.stringify(payload)} in every model string of every page`, () => {
      for (const [page, markup] of Object.entries(renderAll(payload))) {
        assert.ok(!markup.includes(payload), `${page} contains the raw payload`);
        assert.doesNotMatch(markup, /<(img|svg)\b|on(error|load|mouseover)=/i, page);
        assert.equal(markup.match(/<script\b/g)?.length ?? 0, page === "formPost" ? 1 : 0, page);
        assert.ok(markup.startsWith("<!doctype html>\n<html lang=\"en\">"), page);
        assert.match(markup, /<meta name="viewport" content="width=device-width, initial-scale=1">/, page);
        assert.equal(markup.match(/<main>/g)?.length, 1, page);
        assert.equal(markup.match(/<style>/g)?.length, 1, page);
      }
    });
  }

  it("login: hidden csrf and authenticator, labelled fields with autocomplete, login_hint, autofocus on the first empty field", () => {
    const markup = renderLoginPage({ ...base, clientName: "Shop", factor: "first", authenticatorId: "password", fields: PASSWORD_FIELDS, loginHint: "alice" });
    assert.match(markup, /<form method="post" action="\/interaction\/i1\/login">/);
    assert.match(markup, /<input type="hidden" name="csrf" value="tok">/);
    assert.match(markup, /<input type="hidden" name="authenticator" value="password">/);
    assert.match(markup, /<label for="field-0">Username<\/label>\n<input id="field-0" name="username" type="text" autocomplete="username" required autocapitalize="none" spellcheck="false" value="alice">/);
    assert.match(markup, /<label for="field-1">Password<\/label>\n<input id="field-1" name="password" type="password" autocomplete="current-password" required autofocus>/);
    assert.match(markup, /<button type="submit">Sign in<\/button>/);
    assert.doesNotMatch(markup, /role="alert"/);
    const noHint = renderLoginPage({ ...base, clientName: "Shop", factor: "first", authenticatorId: "password", fields: PASSWORD_FIELDS });
    assert.match(noHint, /autocomplete="username" required autocapitalize="none" spellcheck="false" autofocus>/);
  });

  it("login: errors are alerts described on every field and never say whether the account exists", () => {
    for (const error of ["invalid", "throttled"] as const) {
      for (const locale of ["en", "de"]) {
        const markup = renderLoginPage({ ...base, locale, clientName: "Shop", factor: "first", authenticatorId: "password", fields: PASSWORD_FIELDS, error });
        const alert = markup.match(/<p id="login-error" class="alert" role="alert">([^<]+)<\/p>/)?.[1];
        assert.ok(alert, `${error}/${locale}`);
        assert.doesNotMatch(alert, /user|account|exist|unknown|not found|benutzer|konto|existiert|unbekannt/i);
        assert.equal(markup.match(/aria-invalid="true" aria-describedby="login-error"/g)?.length, 2);
      }
    }
  });

  it("login: the second factor asks for the code with a numeric one-time-code field, in German too", () => {
    const markup = renderLoginPage({ ...base, locale: "de", clientName: "Shop", factor: "second", authenticatorId: "totp", fields: TOTP_FIELDS });
    assert.match(markup, /<html lang="de">/);
    assert.match(markup, /<h1>Bestätigung in zwei Schritten<\/h1>/);
    assert.match(markup, /<label for="field-0">Bestätigungscode<\/label>\n<input id="field-0" name="code" type="text" autocomplete="one-time-code" required autocapitalize="none" spellcheck="false" inputmode="numeric" autofocus>/);
    assert.match(markup, /<input type="hidden" name="authenticator" value="totp">/);
    assert.match(markup, /<button type="submit">Code bestätigen<\/button>/);
  });

  it("consent: scopes with descriptions, https links only, approve and deny buttons", () => {
    const markup = renderConsentPage({
      ...base,
      clientName: "Shop",
      userName: "Alice",
      clientUri: "https://shop.example/",
      policyUri: "javascript:alert(1)//https://x",
      tosUri: "http://shop.example/tos",
      scopes: [{ scope: "openid" }, { scope: "email", description: "ignored" }, { scope: "orders:read", description: "Read your orders" }, { scope: "misc" }],
    });
    assert.match(markup, /<li><a href="https:\/\/shop.example\/" rel="noopener noreferrer" target="_blank">Website<\/a><\/li>/);
    assert.equal(markup.match(/<a /g)?.length, 1);
    assert.doesNotMatch(markup, /javascript:|http:\/\/shop/);
    assert.match(markup, /<li>Confirm your identity<code>openid<\/code><\/li>/);
    assert.match(markup, /<li>See your email address<code>email<\/code><\/li>/);
    assert.match(markup, /<li>Read your orders<code>orders:read<\/code><\/li>/);
    assert.match(markup, /<li><code>misc<\/code><\/li>/);
    assert.match(markup, /<input type="hidden" name="csrf" value="tok">/);
    assert.match(markup, /<button type="submit" name="decision" value="approve">Allow access<\/button>/);
    assert.match(markup, /<button type="submit" name="decision" value="deny" class="secondary">Deny access<\/button>/);
    const de = renderConsentPage({ ...base, locale: "de", clientName: "Shop", userName: "Alice", scopes: [{ scope: "offline_access" }] });
    assert.match(de, /<li>Zugriff behalten, auch wenn Sie die Anwendung nicht nutzen<code>offline_access<\/code><\/li>/);
    assert.match(de, /value="approve">Zugriff erlauben<\/button>/);
    assert.doesNotMatch(de, /class="links"/);
  });

  it("select account: continue as the current user or use another account", () => {
    const markup = renderSelectAccountPage({ ...base, clientName: "Shop", accountName: "Alice" });
    assert.match(markup, /<button type="submit" name="choice" value="current" autofocus>Continue as <span class="name">Alice<\/span><\/button>/);
    assert.match(markup, /<button type="submit" name="choice" value="other" class="secondary">Use another account<\/button>/);
    assert.match(markup, /<input type="hidden" name="csrf" value="tok">/);
  });

  it("logout confirmation: carries the hidden inputs and posts logout=yes or logout=no", () => {
    const markup = renderLogoutConfirmPage({ ...base, hidden: { state: "s1", post_logout_redirect_uri: "https://shop.example/bye" } });
    assert.match(markup, /<input type="hidden" name="csrf" value="tok">\n<input type="hidden" name="state" value="s1"><input type="hidden" name="post_logout_redirect_uri" value="https:\/\/shop.example\/bye">/);
    assert.match(markup, /<button type="submit" name="logout" value="yes" autofocus>Sign out<\/button>/);
    assert.match(markup, /<button type="submit" name="logout" value="no" class="secondary">Stay signed in<\/button>/);
    assert.match(markup, /Do you want to sign out of your account\?/);
    assert.match(renderLogoutConfirmPage({ ...base, clientName: "Shop", hidden: {} }), /<strong class="name">Shop<\/strong> asks you to sign out/);
  });

  it("logged out and error pages", () => {
    assert.match(renderLoggedOutPage({ locale: "de" }), /<h1>Sie sind abgemeldet<\/h1>/);
    const markup = renderErrorPage({ locale: "en", error: "invalid_request" });
    assert.match(markup, /<h1>Something went wrong<\/h1>/);
    assert.match(markup, /Error code: <code class="code">invalid_request<\/code>/);
    assert.doesNotMatch(markup, /role="alert"/);
  });

  it("form post: hidden inputs posted to the redirect URI by the hashed script, with a <noscript> button (Form Post Response Mode §2)", () => {
    const response = formPostResponse({ action: "https://rp.example/cb", params: { code: "c&1", state: "s" } });
    const markup = String(response.body);
    assert.equal(response.status, 200);
    assert.match(markup, /<form method="post" action="https:\/\/rp.example\/cb">\n<input type="hidden" name="code" value="c&amp;1"><input type="hidden" name="state" value="s">/);
    assert.match(markup, /<noscript><button type="submit">Continue to the application<\/button><\/noscript>/);
    assert.match(markup, /<script>document.forms\[0\].submit\(\);<\/script>/);
    const policy = String(response.headers!["content-security-policy"]);
    assert.ok(policy.includes(`; script-src ${AUTO_SUBMIT_HASH}; `));
    assert.ok(policy.includes("; form-action 'self' https://rp.example/cb; "));
    assert.throws(() => renderFormPostPage({ action: "javascript:alert(1)", params: {} }), TypeError);
  });

  it("plugin page: heading, lead, an alert described on the field, a code field and the anti-CSRF token", () => {
    const markup = renderPluginPage({
      locale: "de",
      title: "Gerät verbinden",
      lead: "Code eingeben",
      alert: "Ungültig",
      form: { action: "https://id.example/device", csrf: "tok", fields: [{ name: "user_code", label: "Code", value: "BCDF-GHJK", code: true }], submit: "Weiter" },
    });
    assert.match(markup, /<html lang="de">/);
    assert.match(markup, /<h1>Gerät verbinden<\/h1>\n<p class="lead">Code eingeben<\/p>\n<p id="page-alert" class="alert" role="alert">Ungültig<\/p>/);
    assert.match(markup, /<form method="post" action="https:\/\/id.example\/device">\n<input type="hidden" name="csrf" value="tok">/);
    assert.match(
      markup,
      /<input id="field-0" name="user_code" type="text" required class="code-input" autocomplete="off" autocapitalize="characters" spellcheck="false" value="BCDF-GHJK" autofocus aria-invalid="true" aria-describedby="page-alert">/,
    );
    assert.match(markup, /<button type="submit">Weiter<\/button>/);
    const plain = renderPluginPage({ locale: "en", title: "Done" });
    assert.doesNotMatch(plain, /<form|role="alert"|class="lead"/);
  });
});
