import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readCookie, serializeCookie, SESSION_COOKIE } from "../../../src/transport/http/cookies.js";

const withCookie = (cookie: string | string[] | undefined) => ({ headers: { cookie } });

describe("readCookie", () => {
  it("finds a cookie among several (RFC 6265 §5.4 cookie-string)", () => {
    const request = withCookie(`a=1; ${SESSION_COOKIE}=abc_-123; b=2`);
    assert.equal(readCookie(request, SESSION_COOKIE), "abc_-123");
    assert.equal(readCookie(request, "a"), "1");
    assert.equal(readCookie(request, "b"), "2");
  });

  it("tolerates missing spaces and surrounding whitespace, and strips double quotes", () => {
    assert.equal(readCookie(withCookie("a=1;b=2 ;  c = 3"), "b"), "2");
    assert.equal(readCookie(withCookie("a=1;b=2 ;  c = 3"), "c"), "3");
    assert.equal(readCookie(withCookie('q="quoted"'), "q"), "quoted");
  });

  it("returns the first of repeated cookies and keeps '=' inside values", () => {
    assert.equal(readCookie(withCookie("s=first; s=second"), "s"), "first");
    assert.equal(readCookie(withCookie("s=a=b"), "s"), "a=b");
  });

  it("is undefined when absent, named differently or in another case", () => {
    assert.equal(readCookie({ headers: {} }, "s"), undefined);
    assert.equal(readCookie(withCookie(""), "s"), undefined);
    assert.equal(readCookie(withCookie("session=1; xs=2; s"), "s"), undefined);
    assert.equal(readCookie(withCookie("S=1"), "s"), undefined);
  });

  it("is undefined for a value outside the cookie-octet grammar", () => {
    for (const value of ['a"b', "a\\b", "a b", "a,b", '"unterminated', "a\u00e9"]) {
      assert.equal(readCookie(withCookie(`s=${value}`), "s"), undefined, value);
    }
  });

  it("reads the first Cookie header when the header is repeated", () => {
    assert.equal(readCookie(withCookie(["s=1", "s=2"]), "s"), "1");
  });

  it("names the session cookie portcullis_session", () => {
    assert.equal(SESSION_COOKIE, "portcullis_session");
  });
});

describe("serializeCookie", () => {
  it("writes Path, Max-Age, Secure, HttpOnly and SameSite=Lax by default (RFC 6265 §4.1)", () => {
    assert.equal(
      serializeCookie(SESSION_COOKIE, "v4lue_-", { path: "/", maxAgeSeconds: 1209600, secure: true }),
      "portcullis_session=v4lue_-; Path=/; Max-Age=1209600; Secure; HttpOnly; SameSite=Lax",
    );
  });

  it("omits Secure for an http issuer, Max-Age for a session cookie, and honours httpOnly and sameSite", () => {
    assert.equal(serializeCookie("c", "v", { path: "/base/interaction", secure: false, httpOnly: false, sameSite: "Strict" }), "c=v; Path=/base/interaction; SameSite=Strict");
  });

  it("deletes with Max-Age=0 and floors fractional or negative lifetimes", () => {
    assert.equal(serializeCookie("c", "", { path: "/", maxAgeSeconds: 0, secure: true }), "c=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
    assert.equal(serializeCookie("c", "v", { path: "/", maxAgeSeconds: 59.9, secure: false }), "c=v; Path=/; Max-Age=59; HttpOnly; SameSite=Lax");
    assert.equal(serializeCookie("c", "v", { path: "/", maxAgeSeconds: -5, secure: false }), "c=v; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
  });

  it("rejects names, values and paths outside the grammar, without echoing the value", () => {
    assert.throws(() => serializeCookie("bad name", "v", { path: "/", secure: true }), /invalid cookie name/);
    assert.throws(() => serializeCookie("c=", "v", { path: "/", secure: true }), /invalid cookie name/);
    for (const value of ["secret;Domain=evil", "sec ret", "secret\r\nX: y"]) {
      assert.throws(
        () => serializeCookie("c", value, { path: "/", secure: true }),
        (error: Error) => error.message === "invalid value for cookie c",
      );
    }
    assert.throws(() => serializeCookie("c", "v", { path: "/; Domain=evil", secure: true }), /invalid path/);
    assert.throws(() => serializeCookie("c", "v", { path: "", secure: true }), /invalid path/);
  });
});
