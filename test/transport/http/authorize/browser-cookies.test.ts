import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BrowserCookies } from "../../../../src/transport/http/authorize/browser-cookies.js";

/** Issue 3 item 4: the SSO session cookie is Secure where https, HttpOnly and SameSite=Lax, scoped to the issuer's path. */
describe("BrowserCookies", () => {
  it("https issuer with a base path: Secure, HttpOnly, SameSite=Lax, paths under the base path", () => {
    const cookies = new BrowserCookies({ issuer: "https://id.example.test/tenant-a" });
    assert.equal(cookies.session("v", 60), "portcullis_session=v; Path=/tenant-a; Max-Age=60; Secure; HttpOnly; SameSite=Lax");
    assert.equal(cookies.interaction("i", 900), "portcullis_interaction=i; Path=/tenant-a/interaction; Max-Age=900; Secure; HttpOnly; SameSite=Lax");
    assert.equal(cookies.clearSession(), "portcullis_session=; Path=/tenant-a; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
    assert.equal(cookies.result("r", "/device/complete", 300), "portcullis_result=r; Path=/tenant-a/device/complete; Max-Age=300; Secure; HttpOnly; SameSite=Lax");
    assert.equal(cookies.form("f", "/device", 3600), "portcullis_form=f; Path=/tenant-a/device; Max-Age=3600; Secure; HttpOnly; SameSite=Lax");
  });

  it("http issuer at the root (development): no Secure attribute, path /", () => {
    const cookies = new BrowserCookies({ issuer: "http://127.0.0.1:3000" });
    assert.equal(cookies.session("v", 60), "portcullis_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
    assert.equal(cookies.clearInteraction(), "portcullis_interaction=; Path=/interaction; Max-Age=0; HttpOnly; SameSite=Lax");
  });
});
