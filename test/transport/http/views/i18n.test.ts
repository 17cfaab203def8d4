import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fieldLabel, messagesFor, pickLocale, scopeDescription } from "../../../../src/transport/http/views/i18n.js";

describe("i18n", () => {
  it("picks the first supported ui_locales tag by primary subtag, else English (OIDC Core §3.1.2.1)", () => {
    assert.equal(pickLocale([]), "en");
    assert.equal(pickLocale(["de"]), "de");
    assert.equal(pickLocale(["de-AT"]), "de");
    assert.equal(pickLocale(["DE_ch"]), "de");
    assert.equal(pickLocale(["fr-CA", "de", "en"]), "de");
    assert.equal(pickLocale(["en-GB", "de"]), "en");
    assert.equal(pickLocale(["fr", "ja"]), "en");
    assert.equal(pickLocale(["deu", "d"]), "en");
  });

  it("has the same keys in every language", () => {
    assert.deepEqual(Object.keys(messagesFor("de")).sort(), Object.keys(messagesFor("en")).sort());
    assert.equal(messagesFor("xx"), messagesFor("en"));
    assert.equal(messagesFor("de").signInButton, "Anmelden");
  });

  it("describes the standard OIDC scopes in English and German only", () => {
    for (const scope of ["openid", "profile", "email", "address", "phone", "offline_access"]) {
      assert.ok(scopeDescription("en", scope));
      assert.ok(scopeDescription("de", scope));
      assert.notEqual(scopeDescription("en", scope), scopeDescription("de", scope));
    }
    assert.equal(scopeDescription("en", "email"), "See your email address");
    assert.equal(scopeDescription("de", "email"), "Ihre E-Mail-Adresse sehen");
    assert.equal(scopeDescription("en", "api:read"), undefined);
    assert.equal(scopeDescription("en", "toString"), undefined);
    assert.equal(scopeDescription("en", "__proto__"), undefined);
  });

  it("translates standard login field labels and keeps plugin labels otherwise", () => {
    assert.equal(fieldLabel("de", { label: "Password", autocomplete: "current-password" }), "Passwort");
    assert.equal(fieldLabel("en", { label: "Password", autocomplete: "current-password" }), "Password");
    assert.equal(fieldLabel("de", { label: "PIN", autocomplete: "off" }), "PIN");
    assert.equal(fieldLabel("de", { label: "X", autocomplete: "constructor" }), "X");
  });
});
