import assert from "node:assert/strict";
import { test } from "node:test";
import { matchRedirectUri } from "../../../src/core/authorize/redirect-uri-matcher.js";

const CB = "https://c.example/cb";
const WEB = [CB, "https://c.example/other?mode=x"];
const refuses = (requested: string | undefined, registered: readonly string[] = WEB) => assert.equal(matchRedirectUri(requested, registered), undefined);

// Corpus A1: anything not byte-identical to a registered URI refuses (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3).
test("A1 unregistered redirect_uri refuses", () => refuses("https://evil.example/cb"));
test("A1 query added refuses", () => refuses("https://c.example/cb?x=1"));
test("A1 query changed refuses", () => refuses("https://c.example/other?mode=y"));
test("A1 trailing slash refuses", () => refuses("https://c.example/cb/"));
test("A1 host case changed refuses", () => refuses("https://C.EXAMPLE/cb"));
test("A1 path case changed refuses", () => refuses("https://c.example/CB"));
test("A1 explicit default port :443 refuses", () => refuses("https://c.example:443/cb"));
test("A1 %2F instead of / refuses", () => {
  refuses("https://c.example%2Fcb");
  refuses("https://c.example/a%2Fb", ["https://c.example/a/b"]);
});
test("A1 ..;/ path traversal refuses", () => refuses("https://c.example/cb/..;/evil"));
test("A1 https://c.example@evil (userinfo) refuses", () => refuses("https://c.example@evil.example/cb"));
test("A1 https://evil@@c.example refuses", () => refuses("https://evil@@c.example/cb"));
test("A1 backslash refuses", () => refuses("https://c.example\\@evil.example/cb"));
test("A1 IDN homograph (Cyrillic с) refuses", () => refuses("https://\u0441.example/cb"));
test("A1 fragment refuses, even after a registered URI", () => {
  refuses("https://c.example/cb#x");
  refuses("https://c.example/cb#x", ["https://c.example/cb#x"]);
});
test("relative, non-URI and over-long values refuse", () => {
  refuses("/cb", ["/cb"]);
  refuses("", [""]);
  const long = `https://c.example/cb?${"a".repeat(2000)}`;
  refuses(long, [long]);
});

test("exact match returns the registered URI", () => {
  assert.equal(matchRedirectUri(CB, WEB), CB);
  assert.equal(matchRedirectUri("https://c.example/other?mode=x", WEB), "https://c.example/other?mode=x");
});
test("private-use scheme matches exactly only (RFC 8252 §7.1)", () => {
  assert.equal(matchRedirectUri("com.example.app:/cb", ["com.example.app:/cb"]), "com.example.app:/cb");
  refuses("com.example.app:/cb2", ["com.example.app:/cb"]);
  refuses("com.example.app://cb", ["com.example.app:/cb"]);
});

// RFC 8252 §7.3: loopback IP literals accept any port, returning the requested URI.
test("loopback 127.0.0.1 matches any port or none and returns the requested URI", () => {
  const registered = ["http://127.0.0.1/cb?x=1"];
  for (const uri of ["http://127.0.0.1:8080/cb?x=1", "http://127.0.0.1:51004/cb?x=1", "http://127.0.0.1/cb?x=1"]) {
    assert.equal(matchRedirectUri(uri, registered), uri);
  }
  assert.equal(matchRedirectUri("http://127.0.0.1:9000/cb?x=1", ["http://127.0.0.1:3000/cb?x=1"]), "http://127.0.0.1:9000/cb?x=1");
  assert.equal(matchRedirectUri("http://127.0.0.1/cb?x=1", ["http://127.0.0.1:3000/cb?x=1"]), "http://127.0.0.1/cb?x=1");
});
test("loopback [::1] matches any port or none and returns the requested URI", () => {
  const registered = ["http://[::1]:3000/cb"];
  for (const uri of ["http://[::1]:8080/cb", "http://[::1]/cb", "http://[::1]:3000/cb"]) {
    assert.equal(matchRedirectUri(uri, registered), uri);
  }
});
test("loopback with a different path or query refuses", () => {
  const registered = ["http://127.0.0.1/cb?x=1"];
  refuses("http://127.0.0.1:8080/cb2?x=1", registered);
  refuses("http://127.0.0.1:8080/cb?x=2", registered);
  refuses("http://127.0.0.1:8080/cb", registered);
  refuses("http://127.0.0.1:8080/cb/?x=1", registered);
});
test("loopback with userinfo refuses", () => {
  refuses("http://user@127.0.0.1:8080/cb", ["http://127.0.0.1/cb"]);
  refuses("http://127.0.0.1:8080@evil.example/cb", ["http://127.0.0.1/cb"]);
});
test("loopback with https refuses against an http registration", () => refuses("https://127.0.0.1:8443/cb", ["http://127.0.0.1/cb"]));
test("another loopback address (127.0.0.2, 127.0.0.10, other [::1] spellings) refuses", () => {
  refuses("http://127.0.0.2:8080/cb", ["http://127.0.0.1/cb"]);
  refuses("http://127.0.0.10:8080/cb", ["http://127.0.0.1/cb"]);
  refuses("http://127.0.0.1.evil.example/cb", ["http://127.0.0.1/cb"]);
  refuses("http://[0:0:0:0:0:0:0:1]:8080/cb", ["http://[::1]/cb"]);
  refuses("http://127.0.0.1:8080/cb", ["http://[::1]/cb"]);
});
test("loopback with an empty or out-of-range port refuses", () => {
  refuses("http://127.0.0.1:/cb", ["http://127.0.0.1/cb"]);
  refuses("http://127.0.0.1:0/cb", ["http://127.0.0.1/cb"]);
  refuses("http://127.0.0.1:70000/cb", ["http://127.0.0.1/cb"]);
});
test("localhost gets no port exception (RFC 8252 §8.3): exact match only", () => {
  refuses("http://localhost:9000/cb", ["http://localhost:3000/cb"]);
  refuses("http://localhost/cb", ["http://localhost:3000/cb"]);
  assert.equal(matchRedirectUri("http://localhost:3000/cb", ["http://localhost:3000/cb"]), "http://localhost:3000/cb");
});

// RFC 6749 §3.1.2.3: redirect_uri may be omitted only with a single registration (OIDC callers require it anyway).
test("missing redirect_uri with one registered URI uses it", () => assert.equal(matchRedirectUri(undefined, [CB]), CB));
test("missing redirect_uri with two registered URIs refuses", () => refuses(undefined, WEB));
test("missing redirect_uri with none registered refuses", () => refuses(undefined, []));
