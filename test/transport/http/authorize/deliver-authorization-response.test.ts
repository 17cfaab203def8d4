import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { deliverAuthorizationResponse } from "../../../../src/transport/http/authorize/deliver-authorization-response.js";

/** Decodes the character references an HTML escaper produces (named quote/lt/gt/amp and numeric ones). */
const decodeEntities = (text: string) =>
  text.replace(/&(#\d+|quot|lt|gt|amp|#x[0-9a-f]+);/gi, (_, ref: string) =>
    ref.startsWith("#x") ? String.fromCodePoint(parseInt(ref.slice(2), 16)) : ref.startsWith("#") ? String.fromCodePoint(Number(ref.slice(1))) : ({ quot: '"', lt: "<", gt: ">", amp: "&" } as Record<string, string>)[ref]!,
  );

const params = { code: "c0de/+=", state: "a b&c=d#e", iss: "https://op.example.test" };

/** deliverAuthorizationResponse (RFC 6749 §4.1.2, OAuth 2.0 Multiple Response Types §2.1, Form Post Response Mode §2, RFC 9700 §4.12). */
describe("deliverAuthorizationResponse", () => {
  test("query: 303 (never 307) to the redirect URI with the parameters form-encoded in its query; no-store", () => {
    const response = deliverAuthorizationResponse({ redirectUri: "https://rp.example.test/cb", mode: "query", params });
    assert.deepEqual(response, {
      status: 303,
      headers: {
        "cache-control": "no-store",
        pragma: "no-cache",
        location: "https://rp.example.test/cb?code=c0de%2F%2B%3D&state=a+b%26c%3Dd%23e&iss=https%3A%2F%2Fop.example.test",
      },
    });
    const location = new URL(response.headers!.location as string);
    assert.deepEqual(Object.fromEntries(location.searchParams), params);
  });

  test("query: a registered query is kept byte for byte and the parameters are appended to it", () => {
    const location = (uri: string) => deliverAuthorizationResponse({ redirectUri: uri, mode: "query", params: { code: "x", iss: "i" } }).headers!.location;
    assert.equal(location("https://rp.example.test/cb?tenant=a%20b"), "https://rp.example.test/cb?tenant=a%20b&code=x&iss=i");
    assert.equal(location("https://rp.example.test/cb?"), "https://rp.example.test/cb?code=x&iss=i");
    assert.equal(location("https://rp.example.test/cb?a=1&"), "https://rp.example.test/cb?a=1&code=x&iss=i");
    assert.equal(location("com.example.app:/cb"), "com.example.app:/cb?code=x&iss=i");
  });

  test("fragment: 303 with the parameters in the fragment only; no-store", () => {
    const response = deliverAuthorizationResponse({ redirectUri: "https://rp.example.test/cb?tenant=a", mode: "fragment", params });
    assert.equal(response.status, 303);
    assert.equal(response.headers!["cache-control"], "no-store");
    const location = new URL(response.headers!.location as string);
    assert.equal(location.search, "?tenant=a");
    assert.deepEqual(Object.fromEntries(new URLSearchParams(location.hash.slice(1))), params);
  });

  test("form_post: a 200 page posting every parameter, escaped, to the redirect URI; CSP allows only that target; no-store", () => {
    const hostile = { ...params, state: `"><script>alert(1)</script>` };
    const response = deliverAuthorizationResponse({ redirectUri: "https://rp.example.test/cb", mode: "form_post", params: hostile }, "de");
    assert.equal(response.status, 200);
    const headers = response.headers!;
    assert.equal(headers["cache-control"], "no-store");
    assert.equal(headers["content-type"], "text/html; charset=utf-8");
    assert.equal(headers.location, undefined);
    assert.match(headers["content-security-policy"] as string, /form-action 'self' https:\/\/rp\.example\.test\/cb(;|$)/);
    assert.match(headers["content-security-policy"] as string, /frame-ancestors 'none'/);
    const html = response.body as string;
    assert.match(html, /<html lang="de"/);
    assert.match(html, /<form method="post" action="https:\/\/rp\.example\.test\/cb">/);
    assert.ok(!html.includes("<script>alert(1)</script>"));
    const posted = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(([, name, value]) => [name, decodeEntities(value!)]);
    assert.deepEqual(Object.fromEntries(posted), hostile);
  });
});
