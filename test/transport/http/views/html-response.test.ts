import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { OAuthErrors } from "../../../../src/plugin-sdk/errors.js";
import { errorPageResponse, htmlResponse } from "../../../../src/transport/http/views/html-response.js";
import { STYLES } from "../../../../src/transport/http/views/styles.js";

const styleHash = `'sha256-${createHash("sha256").update(STYLES).digest("base64")}'`;
const csp = (extra: { script?: string; formAction?: string } = {}) =>
  [
    "default-src 'none'",
    `style-src ${styleHash}`,
    ...(extra.script ? [`script-src ${extra.script}`] : []),
    "img-src 'self'",
    `form-action 'self'${extra.formAction ?? ""}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");

describe("htmlResponse", () => {
  it("sends the page with CSP, no framing, no referrer and no caching", () => {
    assert.deepEqual(htmlResponse(200, "<p>hi</p>"), {
      status: 200,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": csp(),
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
        pragma: "no-cache",
      },
      body: "<p>hi</p>",
    });
  });

  it("allows extra form targets as sources, script hashes, and extra headers", () => {
    const response = htmlResponse(429, "x", {
      formActions: ["https://rp.example/cb?x=1#f", "https://rp.example/cb", "http://127.0.0.1:8080/a;b,c", "com.example.app:/cb"],
      scriptHashes: ["'sha256-abc='"],
      headers: { "retry-after": "5", "set-cookie": ["a=1", "b=2"] },
    });
    assert.equal(response.status, 429);
    assert.equal(
      response.headers!["content-security-policy"],
      csp({ script: "'sha256-abc='", formAction: " https://rp.example/cb http://127.0.0.1:8080/a%3Bb%2Cc com.example.app:" }),
    );
    assert.equal(response.headers!["retry-after"], "5");
    assert.deepEqual(response.headers!["set-cookie"], ["a=1", "b=2"]);
  });

  it("never writes a target that could inject directives or allow script URLs", () => {
    const response = htmlResponse(200, "x", {
      formActions: ["javascript:alert(1)", "data:text/html,x", "not a url; script-src *", "https://rp.example/ x; script-src *", "myapp:/cb"],
    });
    assert.equal(response.headers!["content-security-policy"], csp({ formAction: " https://rp.example/%20x%3B%20script-src%20*" }));
  });
});

describe("errorPageResponse", () => {
  const cases = [
    [OAuthErrors.invalidRequest("bad redirect_uri"), 400],
    [OAuthErrors.invalidClient("unknown client"), 401],
    [OAuthErrors.insufficientScope(), 403],
    [OAuthErrors.serverError("boom"), 500],
    [OAuthErrors.invalidRequest("moved", { status: 302 }), 400],
  ] as const;
  for (const [error, status] of cases) {
    it(`renders ${error.error} (status ${error.status ?? "from table"}) as ${status}, never a redirect`, () => {
      const response = errorPageResponse(error);
      assert.equal(response.status, status);
      assert.equal(response.headers!.location, undefined);
      assert.equal(response.headers!["content-security-policy"], csp());
      assert.match(String(response.body), new RegExp(`<code class="code">${error.error}</code>`));
      assert.match(String(response.body), /<html lang="en">/);
    });
  }

  it("keeps the error's headers and renders the requested language", () => {
    const response = errorPageResponse(OAuthErrors.tooManyRequests("slow down", { headers: { "retry-after": "7" } }), "de");
    assert.equal(response.status, 429);
    assert.equal(response.headers!["retry-after"], "7");
    assert.match(String(response.body), /<html lang="de">/);
    assert.match(String(response.body), /Etwas ist schiefgelaufen/);
    assert.match(String(response.body), /<p role="alert" class="alert">slow down<\/p>/);
  });
});
