import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requestUrl } from "../../src/resource-server/request-url.js";

/** The DPoP `htu` of a request (RFC 9449 §4.3): always on the resource's own origin. */
describe("requestUrl", () => {
  it("joins the public origin with the request's path and query", () => {
    assert.equal(requestUrl("https://api.example.com", "/things?a=1"), "https://api.example.com/things?a=1");
    assert.equal(requestUrl("https://api.example.com:8443/ignored/", "/x"), "https://api.example.com:8443/x");
  });

  it("never takes the host from the request-target", () => {
    assert.equal(requestUrl("https://api.example.com", "//evil.example/x"), "https://api.example.com//evil.example/x");
    assert.equal(requestUrl("https://api.example.com", "http://evil.example/x?y"), "https://api.example.com/x?y");
    assert.equal(requestUrl("https://api.example.com", "*"), "https://api.example.com/");
  });
});
