import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DI } from "../../../src/core/di-tokens.js";
import { PushedRequestService } from "../../../src/core/par/pushed-request.service.js";
import { FakeClock } from "../../support/fake-clock.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { testKey } from "../clients/auth-fixtures.js";
import { startLocalServer, type LocalServer } from "../security/local-server.js";
import { CHALLENGE, expectRefused, signRequestObject, validate } from "./request-fixture.js";

const CB = "https://rp.example.com/cb";
const QUERY_CB = "https://rp.example.com/q?a=1";
const LOOPBACK_CB = "http://127.0.0.1/cb";
const APP_CB = "com.example.app:/cb";
const es = testKey("ES256");
const rs = testKey("RS256");
const ps = testKey("PS256");
const keys = { keys: [es.publicJwk, rs.publicJwk, ps.publicJwk] };

describe("AuthorizationRequestValidator (corpus A, B, H53, I, K63)", () => {
  let t: TestApp;
  const clock = new FakeClock();
  const ids: Record<string, string> = {};
  const now = () => Math.floor(clock.now() / 1000);
  const code = (extra: Record<string, string | string[]> = {}) => ({ client_id: ids.web!, response_type: "code", redirect_uri: CB, scope: "openid", ...extra });

  before(async () => {
    t = await startTestApp({}, { clock });
    await t.createResource("https://api.example.com/", "api:read");
    const make = async (name: string, metadata: Record<string, unknown>) => {
      ids[name] = (await t.createClient({ client_name: name, ...metadata })).client_id;
    };
    await make("web", { redirect_uris: [CB, QUERY_CB], jwks: keys, default_max_age: 600 });
    await make("single", { redirect_uris: [CB] });
    await make("hybrid", {
      redirect_uris: [CB],
      grant_types: ["authorization_code", "implicit"],
      response_types: ["code", "code id_token", "id_token", "id_token token"],
    });
    await make("native", { redirect_uris: [LOOPBACK_CB], application_type: "native", token_endpoint_auth_method: "none" });
    await make("app-scheme", { redirect_uris: [APP_CB], application_type: "native", token_endpoint_auth_method: "none" });
    await make("pkce", { redirect_uris: [CB], require_pkce: true });
    await make("par", { redirect_uris: [CB], require_pushed_authorization_requests: true });
    await make("ps256", { redirect_uris: [CB], jwks: keys, request_object_signing_alg: "PS256" });
    await make("scoped", { redirect_uris: [CB], scope: "api:read" });
  });
  after(() => t.stop());

  describe("client and redirect_uri: error page, never a redirect (A1, A3)", () => {
    it("A3: unknown, missing or repeated client_id", async () => {
      await expectRefused(validate(t, code({ client_id: "no-such-client" })), "invalid_request", false);
      const { client_id: _omitted, ...withoutClient } = code();
      await expectRefused(validate(t, withoutClient), "invalid_request", false);
      await expectRefused(validate(t, code({ client_id: [ids.web!, ids.web!] })), "invalid_request", false);
    });

    it("A3: redirect_uri omitted in an OpenID request, even with one registered URI; required with several registered", async () => {
      await expectRefused(validate(t, { client_id: ids.single!, response_type: "code", scope: "openid" }), "invalid_request", false);
      await expectRefused(validate(t, { client_id: ids.web!, response_type: "code", scope: "api:read" }), "invalid_request", false);
      const plain = await validate(t, { client_id: ids.single!, response_type: "code", scope: "api:read" });
      assert.equal(plain.redirectUri, CB);
      assert.equal(plain.redirectUriParam, undefined);
    });

    it("A1: every non-identical redirect_uri variant gives an error page", async () => {
      const variants = [
        "https://evil.example.com/cb",
        `${CB}?x=1`,
        "https://rp.example.com/q?a=2",
        "https://rp.example.com/q?a=1&b=2",
        `${CB}/`,
        "https://RP.example.com/cb",
        "https://rp.example.com/CB",
        "https://rp.example.com:443/cb",
        "https://rp.example.com%2Fcb",
        "https://rp.example.com/cb%2F",
        "https://rp.example.com/%63b",
        "https://rp.example.com/cb/..;/evil",
        "https://rp.example.com@evil.example.com/cb",
        "https://evil.example.com@@rp.example.com/cb",
        "https://rp.example.com\\@evil.example.com/cb",
        "https://evil.example.com\\rp.example.com/cb",
        "https://rр.example.com/cb",
        `${CB}#frag`,
        " https://rp.example.com/cb",
        "javascript:alert(1)//rp.example.com/cb",
      ];
      for (const redirect_uri of variants) await expectRefused(validate(t, code({ redirect_uri })), "invalid_request", false);
      await expectRefused(validate(t, code({ redirect_uri: [CB, CB] })), "invalid_request", false);
    });

    it("A1: RFC 8252 loopback: any port on the registered IP literal; localhost, another path or https are refused", async () => {
      const base = { client_id: ids.native!, response_type: "code", scope: "openid", code_challenge: CHALLENGE, code_challenge_method: "S256" };
      const ok = await validate(t, { ...base, redirect_uri: "http://127.0.0.1:51234/cb" });
      assert.equal(ok.redirectUri, "http://127.0.0.1:51234/cb");
      for (const redirect_uri of ["http://localhost:51234/cb", "http://127.0.0.1:51234/cb2", "https://127.0.0.1:51234/cb", "http://127.0.0.1:0/cb", "http://127.0.0.2:5000/cb"]) {
        await expectRefused(validate(t, { ...base, redirect_uri }), "invalid_request", false);
      }
    });
  });

  describe("after the redirect_uri is validated, errors are redirected (A4, A5, K63)", () => {
    it("a valid code request with state is accepted and normalised", async () => {
      const request = await validate(t, code({ state: "s1", scope: "openid profile api:read", nonce: "n1", ui_locales: "de en", acr_values: "urn:a urn:b", login_hint: "ann" }));
      assert.equal(request.responseType, "code");
      assert.equal(request.responseMode, "query");
      assert.equal(request.returnsTokens, false);
      assert.equal(request.state, "s1");
      assert.equal(request.openid, true);
      assert.deepEqual(request.scopes, ["openid", "profile", "api:read"]);
      assert.deepEqual(request.resources, ["https://api.example.com/"]);
      assert.deepEqual(request.uiLocales, ["de", "en"]);
      assert.deepEqual(request.acrValues, ["urn:a", "urn:b"]);
      assert.equal(request.loginHint, "ann");
      assert.equal(request.maxAge, 600, "default_max_age of the client");
      assert.equal(request.redirectUriParam, CB);
      assert.equal(request.pushedRequestUri, undefined);
    });

    it("A4: response_type missing → invalid_request; token or code id_token when not enabled → unsupported_response_type", async () => {
      const { response_type: _omitted, ...noType } = code({ state: "s" });
      const missing = await expectRefused(validate(t, noType), "invalid_request", CB);
      assert.equal(missing.target?.state, "s");
      await expectRefused(validate(t, code({ response_type: "token" })), "unsupported_response_type", CB);
      await expectRefused(validate(t, code({ response_type: "none" })), "unsupported_response_type", CB);
      await expectRefused(validate(t, code({ response_type: "code id_token", nonce: "n" })), "unsupported_response_type", CB);
      await expectRefused(validate(t, code({ response_type: "id_token token", nonce: "n" })), "unsupported_response_type", CB);
    });

    it("response types compare order-insensitively; hybrid defaults to fragment; id_token needs a nonce (K63) and openid", async () => {
      const hybrid = { client_id: ids.hybrid!, redirect_uri: CB, scope: "openid" };
      const request = await validate(t, { ...hybrid, response_type: "id_token code", nonce: "n" });
      assert.equal(request.responseType, "code id_token");
      assert.equal(request.responseMode, "fragment");
      assert.equal(request.returnsTokens, true);
      assert.equal(request.nonce, "n");
      const noNonce = await expectRefused(validate(t, { ...hybrid, response_type: "code id_token" }), "invalid_request", CB);
      assert.equal(noNonce.target?.responseMode, "fragment", "the error goes where the client expects the response");
      await expectRefused(validate(t, { ...hybrid, response_type: "id_token token" }), "invalid_request", CB);
      await expectRefused(validate(t, { ...hybrid, response_type: "id_token", scope: "profile", nonce: "n" }), "invalid_request", CB);
      assert.equal((await validate(t, { ...hybrid, response_type: "code" })).nonce, undefined, "K63: the code flow needs no nonce");
    });

    it("response_mode: unknown → invalid_request; query or query.jwt with tokens → invalid_request; jwt resolves per response type", async () => {
      await expectRefused(validate(t, code({ response_mode: "web_message" })), "invalid_request", CB);
      const hybrid = { client_id: ids.hybrid!, redirect_uri: CB, scope: "openid", nonce: "n", response_type: "code id_token" };
      for (const response_mode of ["query", "query.jwt"]) {
        const refused = await expectRefused(validate(t, { ...hybrid, response_mode }), "invalid_request", CB);
        assert.equal(refused.target?.responseMode, "fragment");
      }
      assert.equal((await validate(t, code({ response_mode: "jwt" }))).responseMode, "query.jwt");
      assert.equal((await validate(t, { ...hybrid, response_mode: "jwt" })).responseMode, "fragment.jwt");
      assert.equal((await validate(t, { ...hybrid, response_mode: "form_post.jwt" })).responseMode, "form_post.jwt");
      assert.equal((await validate(t, code({ response_mode: "form_post" }))).responseMode, "form_post");
      assert.equal((await validate(t, code({ response_mode: "fragment" }))).responseMode, "fragment");
    });

    it("form_post to a private-use scheme redirect URI → invalid_request delivered in the default mode (no HTML form can post there)", async () => {
      const native = { client_id: ids["app-scheme"]!, redirect_uri: APP_CB, scope: "openid", response_type: "code", code_challenge: CHALLENGE, code_challenge_method: "S256" };
      for (const response_mode of ["form_post", "form_post.jwt"]) {
        const refused = await expectRefused(validate(t, { ...native, response_mode }), "invalid_request", APP_CB);
        assert.equal(refused.target?.responseMode, "query");
      }
    });

    it("A5: unknown scope → invalid_scope; unknown resource → invalid_target; unknown extra parameter ignored; repeated parameter → invalid_request", async () => {
      await expectRefused(validate(t, code({ scope: "openid not-a-scope" })), "invalid_scope", CB);
      await expectRefused(validate(t, code({ scope: "openid portcullis:mint" })), "invalid_scope", CB);
      await expectRefused(validate(t, code({ resource: "https://unknown.example.com/" })), "invalid_target", CB);
      const extra = await validate(t, code({ unknown_parameter: "x", another: ["1", "2"] }));
      assert.equal(extra.responseType, "code");
      for (const name of ["scope", "state", "response_type", "nonce", "prompt", "code_challenge", "response_mode"]) {
        const refused = await expectRefused(validate(t, code({ [name]: ["openid", "openid"] })), "invalid_request", CB);
        assert.equal(refused.error.description, `parameter '${name}' must not be repeated`);
      }
      const resources = await validate(t, code({ scope: "openid api:read", resource: ["https://api.example.com/", "https://api.example.com/"] }));
      assert.deepEqual(resources.resources, ["https://api.example.com/"]);
    });

    it("the client's scope metadata limits API scopes; the OpenID scopes stay allowed", async () => {
      const base = { client_id: ids.scoped!, response_type: "code", redirect_uri: CB };
      assert.deepEqual((await validate(t, { ...base, scope: "openid email api:read" })).scopes, ["openid", "email", "api:read"]);
      assert.deepEqual((await validate(t, base)).scopes, ["api:read"], "no scope: the registered default (RFC 6749 §3.3)");
      await expectRefused(validate(t, { ...base, scope: "openid api:write" }), "invalid_scope", CB);
    });

    it("prompt, max_age, claims, id_token_hint (OIDC Core §3.1.2.1, §5.5)", async () => {
      assert.deepEqual([...(await validate(t, code({ prompt: "login consent" }))).prompt].sort(), ["consent", "login"]);
      await expectRefused(validate(t, code({ prompt: "none login" })), "invalid_request", CB);
      await expectRefused(validate(t, code({ prompt: "bogus" })), "invalid_request", CB);
      assert.equal((await validate(t, code({ max_age: "0" }))).maxAge, 0);
      for (const max_age of ["-1", "1.5", "abc", "1e3", "99999999999"]) await expectRefused(validate(t, code({ max_age })), "invalid_request", CB);
      const claims = { id_token: { acr: { essential: true, values: ["urn:a"] }, email: null }, userinfo: { name: null } };
      assert.deepEqual((await validate(t, code({ claims: JSON.stringify(claims) }))).claims, claims);
      for (const bad of ["not json", "[]", '"x"', '{"id_token":[]}', '{"userinfo":"x"}', '{"id_token":{"email":1}}']) {
        await expectRefused(validate(t, code({ claims: bad })), "invalid_request", CB);
      }
      assert.equal((await validate(t, code({ id_token_hint: "raw.hint.value" }))).idTokenHint, "raw.hint.value");
    });
  });

  describe("PKCE (RFC 7636 §4.3; corpus B10, B11)", () => {
    const pub = (extra: Record<string, string>) => ({ client_id: ids.native!, response_type: "code", redirect_uri: LOOPBACK_CB, scope: "openid", ...extra });

    it("B10: a public client or a require_pkce client without code_challenge → invalid_request; a confidential client may omit it", async () => {
      await expectRefused(validate(t, pub({})), "invalid_request", LOOPBACK_CB);
      await expectRefused(validate(t, { client_id: ids.pkce!, response_type: "code", redirect_uri: CB, scope: "openid" }), "invalid_request", CB);
      const confidential = await validate(t, code());
      assert.equal(confidential.codeChallenge, undefined);
      await expectRefused(validate(t, code({ code_challenge_method: "S256" })), "invalid_request", CB);
    });

    it("B11: plain, an omitted method (plain) and malformed challenges → invalid_request; S256 accepted", async () => {
      await expectRefused(validate(t, pub({ code_challenge: CHALLENGE, code_challenge_method: "plain" })), "invalid_request", LOOPBACK_CB);
      await expectRefused(validate(t, pub({ code_challenge: CHALLENGE })), "invalid_request", LOOPBACK_CB);
      await expectRefused(validate(t, pub({ code_challenge: CHALLENGE, code_challenge_method: "S512" })), "invalid_request", LOOPBACK_CB);
      for (const challenge of [CHALLENGE.slice(1), `${CHALLENGE}A`, `${CHALLENGE.slice(1)}+`, `${CHALLENGE.slice(1)}=`, "a".repeat(128)]) {
        await expectRefused(validate(t, pub({ code_challenge: challenge, code_challenge_method: "S256" })), "invalid_request", LOOPBACK_CB);
      }
      const ok = await validate(t, pub({ code_challenge: CHALLENGE, code_challenge_method: "S256" }));
      assert.equal(ok.codeChallenge, CHALLENGE);
      assert.equal(ok.codeChallengeMethod, "S256");
    });
  });

  describe("PAR (RFC 9126; corpus H50, H51, H53)", () => {
    it("H53: a client with require_pushed_authorization_requests sending a plain request → invalid_request (redirected)", async () => {
      await expectRefused(validate(t, { client_id: ids.par!, response_type: "code", redirect_uri: CB, scope: "openid" }), "invalid_request", CB);
    });

    it("a pushed request_uri: only the pushed parameters count; reload works; other client or consumed → invalid_request_uri (H50, H51)", async () => {
      const pushed = t.app.container.resolve(PushedRequestService);
      const { requestUri } = await pushed.push(ids.par!, { client_id: ids.par!, response_type: "code", redirect_uri: CB, scope: "openid", state: "pushed" });
      const outer = { client_id: ids.par!, request_uri: requestUri, state: "outer", scope: "openid profile" };
      for (let i = 0; i < 2; i++) {
        const request = await validate(t, outer);
        assert.equal(request.pushedRequestUri, requestUri);
        assert.equal(request.state, "pushed");
        assert.deepEqual(request.scopes, ["openid"]);
      }
      await expectRefused(validate(t, { ...outer, client_id: ids.web! }), "invalid_request_uri", false);
      await pushed.complete(requestUri, ids.par!);
      await expectRefused(validate(t, outer), "invalid_request_uri", false);
      await expectRefused(validate(t, { ...outer, request_uri: `${requestUri.slice(0, -2)}xx` }), "invalid_request_uri", false);
    });
  });

  describe("request objects (RFC 9101; corpus I55–I57, I60)", () => {
    const claims = (extra: Record<string, unknown> = {}) => ({
      iss: ids.web,
      aud: t.issuer,
      client_id: ids.web,
      response_type: "code",
      redirect_uri: CB,
      scope: "openid",
      state: "inner",
      nbf: now(),
      exp: now() + 300,
      ...extra,
    });
    const sign = (extra: Record<string, unknown> = {}, key = es) => signRequestObject(key.privateKey, { alg: key.alg, kid: key.kid }, claims(extra));
    const byValue = async (jwt: string, outer: Record<string, string> = {}) => validate(t, { client_id: ids.web!, request: jwt, ...outer });
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

    it("only the request object's parameters are used; numbers and objects become parameters", async () => {
      const jwt = await sign({ max_age: 30, claims: { userinfo: { email: null } }, resource: ["https://api.example.com/"], scope: "openid api:read" });
      const request = await byValue(jwt, { state: "outer", scope: "openid profile", response_type: "code id_token" });
      assert.equal(request.state, "inner");
      assert.deepEqual(request.scopes, ["openid", "api:read"]);
      assert.equal(request.responseType, "code");
      assert.equal(request.maxAge, 30);
      assert.deepEqual(request.claims, { userinfo: { email: null } });
      assert.deepEqual(request.resources, ["https://api.example.com/"]);
    });

    it("I55: alg none, HS256, a bad signature, another client's key or an alg other than the registered one → invalid_request_object (error page)", async () => {
      const unsigned = `${b64({ alg: "none" })}.${b64(claims())}.`;
      await expectRefused(byValue(unsigned), "invalid_request_object", false);
      const hs = await signRequestObject(new TextEncoder().encode("a-shared-secret-of-thirty-two-bytes!!"), { alg: "HS256" }, claims());
      await expectRefused(byValue(hs), "invalid_request_object", false);
      const good = await sign();
      const tampered = `${good.split(".").slice(0, 2).join(".")}.${Buffer.alloc(64, 1).toString("base64url")}`;
      await expectRefused(byValue(tampered), "invalid_request_object", false);
      const stranger = testKey("ES256");
      await expectRefused(byValue(await signRequestObject(stranger.privateKey, { alg: "ES256", kid: es.kid }, claims())), "invalid_request_object", false);
      const forPs = (extra = {}) => ({ ...claims(extra), iss: ids.ps256, client_id: ids.ps256 });
      const rs256 = await signRequestObject(rs.privateKey, { alg: "RS256", kid: rs.kid }, forPs());
      await expectRefused(validate(t, { client_id: ids.ps256!, request: rs256 }), "invalid_request_object", false);
      const ps256 = await signRequestObject(ps.privateKey, { alg: "PS256", kid: ps.kid }, forPs());
      assert.equal((await validate(t, { client_id: ids.ps256!, request: ps256 })).state, "inner");
      await expectRefused(byValue("not-a-jwt"), "invalid_request_object", false);
    });

    it("I60: an unsigned request object is refused (none is not advertised)", async () => {
      await expectRefused(byValue(`${b64({ alg: "none", typ: "oauth-authz-req+jwt" })}.${b64(claims())}.`), "invalid_request_object", false);
    });

    it("I56: exp past, exp or nbf missing, exp − nbf > 60 min, nbf > 60 min old → invalid_request_object; nbf 8 s ahead accepted", async () => {
      const n = now();
      for (const times of [
        { nbf: n - 600, exp: n - 60 },
        { exp: undefined },
        { nbf: undefined },
        { nbf: n, exp: n + 3601 },
        { nbf: n - 3601, exp: n + 60 },
        { nbf: n + 120, exp: n + 300 },
      ]) {
        await expectRefused(byValue(await sign(times)), "invalid_request_object", false);
      }
      assert.equal((await byValue(await sign({ nbf: n + 8, exp: n + 600 }))).state, "inner");
      assert.equal((await byValue(await sign({ nbf: n - 3000, exp: n + 600 }))).state, "inner");
    });

    it("I57: aud ≠ issuer → invalid_request_object; an aud array holding the issuer is accepted; redirect_uri missing inside → invalid_request_object", async () => {
      for (const aud of ["https://other.example.com", `${t.issuer}/par`, ["https://other.example.com"], undefined]) {
        await expectRefused(byValue(await sign({ aud })), "invalid_request_object", false);
      }
      assert.equal((await byValue(await sign({ aud: ["https://other.example.com", t.issuer] }))).state, "inner");
      await expectRefused(byValue(await sign({ redirect_uri: undefined }), { redirect_uri: CB }), "invalid_request_object", false);
    });

    it("iss or client_id other than the client, nested request/request_uri → invalid_request_object; request with request_uri → invalid_request", async () => {
      await expectRefused(byValue(await sign({ iss: ids.single })), "invalid_request_object", false);
      await expectRefused(byValue(await sign({ client_id: ids.single })), "invalid_request_object", false);
      await expectRefused(byValue(await sign({ request_uri: "https://rp.example.com/ro" })), "invalid_request_object", false);
      await expectRefused(byValue(await sign({ request: "x.y.z" })), "invalid_request_object", false);
      await expectRefused(byValue(await sign(), { request_uri: "https://rp.example.com/ro" }), "invalid_request", false);
      const noClientId = await sign({ client_id: undefined, iss: undefined });
      assert.equal((await byValue(noClientId)).client.clientId, ids.web);
    });

    it("once the object's redirect_uri is validated, later errors are redirected to it", async () => {
      const refused = await expectRefused(byValue(await sign({ scope: "openid nope" })), "invalid_scope", CB);
      assert.equal(refused.target?.state, "inner");
      await expectRefused(byValue(await sign({ redirect_uri: "https://evil.example.com/cb" })), "invalid_request", false);
    });
  });

  describe("remote request_uri (OIDC Core §6.2; corpus I59)", () => {
    let server: LocalServer;
    let body = "";
    before(async () => {
      server = await startLocalServer((_request, response) => {
        response.writeHead(200, { "content-type": "application/oauth-authz-req+jwt" });
        response.end(body);
      });
    });
    after(() => server.close());

    it("a registered request_uri on a private address is never fetched; an unregistered one is refused; non-https refused", async () => {
      const durable = t.app.container.resolve(DI.Durable);
      const uri = `https://127.0.0.1:${new URL(server.url).port}/ro.jwt`;
      const now = clock.now();
      await durable.clients.insert({
        clientId: "private-request-uri",
        metadata: { redirect_uris: [CB], request_uris: [uri, `${server.url}/plain.jwt`], jwks: keys, grant_types: ["authorization_code"], response_types: ["code"] },
        issuedAt: now,
        updatedAt: now,
      });
      const base = { client_id: "private-request-uri" };
      await expectRefused(validate(t, { ...base, request_uri: uri }), "invalid_request_uri", false);
      await expectRefused(validate(t, { ...base, request_uri: `${server.url}/plain.jwt` }), "invalid_request_uri", false);
      await expectRefused(validate(t, { ...base, request_uri: "https://169.254.169.254/latest/meta-data" }), "invalid_request_uri", false);
      await expectRefused(validate(t, { client_id: ids.web!, request_uri: "https://rp.example.com/ro.jwt" }), "invalid_request_uri", false);
      assert.deepEqual(server.hits, [], "no request reached the private address");
    });
  });
});

describe("remote request_uri fetching (corpus I59) and PKCE_REQUIRED (B10)", () => {
  let t: TestApp;
  let server: LocalServer;
  let jwt = "";
  let clientId = "";
  const clock = new FakeClock();
  const now = () => Math.floor(clock.now() / 1000);

  before(async () => {
    server = await startLocalServer((request, response) => {
      if (request.url === "/slow") return void setTimeout(() => response.end(jwt), 1000);
      if (request.url === "/redirect") return void response.writeHead(302, { location: "/ro.jwt" }).end();
      if (request.url === "/large") return void response.end("a".repeat(70_000));
      response.writeHead(200, { "content-type": "application/oauth-authz-req+jwt" });
      response.end(jwt);
    });
    t = await startTestApp({ fetchAllowPrivate: "true", fetchTimeout: "300", pkceRequired: "true" }, { clock });
    const paths = ["/ro.jwt", "/slow", "/redirect", "/large"];
    clientId = (await t.createClient({ redirect_uris: [CB], jwks: keys, request_uris: paths.map((p) => `${server.url}${p}`) })).client_id;
    jwt = await signRequestObject(es.privateKey, { alg: "ES256", kid: es.kid }, {
      iss: clientId,
      aud: t.issuer,
      client_id: clientId,
      response_type: "code",
      redirect_uri: CB,
      scope: "openid",
      state: "remote",
      code_challenge: CHALLENGE,
      code_challenge_method: "S256",
      nbf: now(),
      exp: now() + 300,
    });
  });
  after(async () => {
    await t.stop();
    await server.close();
  });

  it("a registered request_uri is fetched and treated as a request object", async () => {
    const request = await validate(t, { client_id: clientId, request_uri: `${server.url}/ro.jwt` });
    assert.equal(request.state, "remote");
    assert.equal(request.pushedRequestUri, undefined);
  });

  it("a slow server, a redirect or a body over 64 KB → invalid_request_uri; an unregistered URL is not fetched", async () => {
    for (const path of ["/slow", "/redirect", "/large"]) await expectRefused(validate(t, { client_id: clientId, request_uri: `${server.url}${path}` }), "invalid_request_uri", false);
    const before = server.hits.length;
    await expectRefused(validate(t, { client_id: clientId, request_uri: `${server.url}/unregistered` }), "invalid_request_uri", false);
    assert.equal(server.hits.length, before);
  });

  it("B10: PKCE_REQUIRED makes code_challenge mandatory for confidential clients too", async () => {
    await expectRefused(validate(t, { client_id: clientId, response_type: "code", redirect_uri: CB, scope: "openid" }), "invalid_request", CB);
  });
});

describe("REQUEST_URI_FETCH=false (corpus I59)", () => {
  it("a remote request_uri gives request_uri_not_supported without a fetch", async () => {
    const server = await startLocalServer((_request, response) => response.end("x"));
    const t = await startTestApp({ fetchAllowPrivate: "true", requestUriFetch: "false" });
    try {
      const { client_id } = await t.createClient({ redirect_uris: [CB], jwks: keys, request_uris: [`${server.url}/ro.jwt`] });
      await expectRefused(validate(t, { client_id, request_uri: `${server.url}/ro.jwt` }), "request_uri_not_supported", false);
      assert.deepEqual(server.hits, []);
      const metadata = (await (await fetch(`${t.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(metadata.request_uri_parameter_supported, false);
    } finally {
      await t.stop();
      await server.close();
    }
  });
});
