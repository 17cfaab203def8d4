import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { PushedRequestService, REQUEST_URI_PREFIX } from "../../../src/core/par/pushed-request.service.js";
import { FakeClock } from "../../support/fake-clock.js";
import { expectOAuthError, formBody, rawHttp } from "../../support/oauth-assertions.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";
import { testKey } from "../../core/clients/auth-fixtures.js";
import { CHALLENGE, expectRefused, signRequestObject, validate } from "../../core/authorize/request-fixture.js";

const CB = "https://rp.example.com/cb";
const es = testKey("ES256");
const PAR_LIMIT = 20;

/** POST /par (RFC 9126; corpus H48–H51, H54, I55, I60). */
describe("/par", () => {
  let t: TestApp;
  const clock = new FakeClock();
  let web: { client_id: string; client_secret?: string };
  let other: { client_id: string; client_secret?: string };
  let publicClient: string;
  const auth = () => basic(web.client_id, web.client_secret!);
  const push = async (params: Record<string, string | string[]>, headers = auth()) => {
    const res = await t.postForm("/par", params, headers);
    assert.equal(res.status, 201);
    return ((await res.json()) as { request_uri: string }).request_uri;
  };
  const form = (extra: Record<string, string | string[]> = {}) => ({ response_type: "code", redirect_uri: CB, scope: "openid", state: "s", ...extra });

  before(async () => {
    t = await startTestApp({ parLimit: String(PAR_LIMIT), parTtl: "60" }, { clock });
    web = await t.createClient({ redirect_uris: [CB], jwks: { keys: [es.publicJwk] } });
    other = await t.createClient({ redirect_uris: [CB] });
    publicClient = (await t.createClient({ redirect_uris: ["http://127.0.0.1/cb"], token_endpoint_auth_method: "none", application_type: "native" })).client_id;
  });
  after(() => t.stop());

  it("H48: a valid push gives 201 {request_uri, expires_in} with Cache-Control no-store", async () => {
    const res = await t.postForm("/par", form(), auth());
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const body = (await res.json()) as { request_uri: string; expires_in: number };
    assert.deepEqual(Object.keys(body).sort(), ["expires_in", "request_uri"]);
    assert.equal(body.expires_in, 60);
    assert.ok(body.request_uri.startsWith(REQUEST_URI_PREFIX));
    assert.ok(Buffer.from(body.request_uri.slice(REQUEST_URI_PREFIX.length), "base64url").length * 8 >= 128);
  });

  it("a public client pushes with client_id alone (PKCE required for it)", async () => {
    const pub = { client_id: publicClient, redirect_uri: "http://127.0.0.1:4711/cb" };
    await expectOAuthError(await t.postForm("/par", form(pub)), 400, "invalid_request");
    const res = await t.postForm("/par", form({ ...pub, code_challenge: CHALLENGE, code_challenge_method: "S256" }));
    assert.equal(res.status, 201);
  });

  it("H49: GET or PUT → 405 with Allow; a confidential client without authentication → 401 invalid_client; request_uri in the body → 400 invalid_request", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await fetch(`${t.publicUrl}/par`, { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get("allow"), "POST");
      await res.body?.cancel();
    }
    await expectOAuthError(await t.postForm("/par", form({ client_id: web.client_id })), 401, "invalid_client");
    await expectOAuthError(await t.postForm("/par", form(), basic(web.client_id, "wrong-secret")), 401, "invalid_client");
    await expectOAuthError(await t.postForm("/par", form({ request_uri: `${REQUEST_URI_PREFIX}abc` }), auth()), 400, "invalid_request");
    await expectOAuthError(await t.postForm("/par", form({ client_id: other.client_id }), auth()), 400, "invalid_request");
  });

  it("H49/I55/I60: request objects at /par: request_uri inside → invalid_request; unsigned or badly signed → invalid_request_object; a valid one is resolved", async () => {
    const now = Math.floor(clock.now() / 1000);
    const claims = { iss: web.client_id, aud: t.issuer, client_id: web.client_id, ...form({ state: "jar" }), nbf: now, exp: now + 120 };
    const sign = (extra: Record<string, unknown> = {}) => signRequestObject(es.privateKey, { alg: "ES256", kid: es.kid }, { ...claims, ...extra });
    await expectOAuthError(await t.postForm("/par", { request: await sign({ request_uri: "https://rp.example.com/x" }) }, auth()), 400, "invalid_request");
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    await expectOAuthError(await t.postForm("/par", { request: `${b64({ alg: "none" })}.${b64(claims)}.` }, auth()), 400, "invalid_request_object");
    const good = await sign();
    await expectOAuthError(await t.postForm("/par", { request: `${good.slice(0, -4)}AAAA` }, auth()), 400, "invalid_request_object");
    await expectOAuthError(await t.postForm("/par", { request: await sign({ exp: now - 120 }) }, auth()), 400, "invalid_request_object");

    const request_uri = await push({ request: good, state: "outer" });
    const request = await validate(t, { client_id: web.client_id, request_uri });
    assert.equal(request.state, "jar", "the pushed request object's parameters replace the outer ones");
  });

  it("require_signed_request_object (RFC 9101 §10.5): plain parameters are refused at /par and /authorize; a signed request object is accepted", async () => {
    const strict = await t.createClient({ redirect_uris: [CB], jwks: { keys: [es.publicJwk] }, require_signed_request_object: true });
    const headers = basic(strict.client_id, strict.client_secret!);
    const description = "this client must send its authorization requests as signed request objects";
    assert.equal((await expectOAuthError(await t.postForm("/par", form(), headers), 400, "invalid_request")).error_description, description);
    await expectRefused(validate(t, { client_id: strict.client_id, ...form() }), "invalid_request", false);
    const now = Math.floor(clock.now() / 1000);
    const signed = await signRequestObject(es.privateKey, { alg: "ES256", kid: es.kid }, { iss: strict.client_id, aud: t.issuer, client_id: strict.client_id, ...form({ state: "signed" }), nbf: now, exp: now + 120 });
    assert.equal((await validate(t, { client_id: strict.client_id, request: signed })).state, "signed");
    const request_uri = await push({ request: signed }, headers);
    assert.equal((await validate(t, { client_id: strict.client_id, request_uri })).state, "signed");
  });

  it("H50: the request_uri loads twice before completion; after completion it is invalid_request_uri", async () => {
    const request_uri = await push(form({ nonce: "n" }));
    for (let i = 0; i < 2; i++) assert.equal((await validate(t, { client_id: web.client_id, request_uri })).pushedRequestUri, request_uri);
    await t.app.container.resolve(PushedRequestService).complete(request_uri, web.client_id);
    await expectRefused(validate(t, { client_id: web.client_id, request_uri }), "invalid_request_uri", false);
  });

  it("H51: after expires_in → invalid_request_uri; client A's request_uri with client_id B → invalid_request_uri", async () => {
    const request_uri = await push(form());
    await expectRefused(validate(t, { client_id: other.client_id, request_uri }), "invalid_request_uri", false);
    clock.advance(59_000);
    assert.equal((await validate(t, { client_id: web.client_id, request_uri })).pushedRequestUri, request_uri);
    clock.advance(2_000);
    await expectRefused(validate(t, { client_id: web.client_id, request_uri }), "invalid_request_uri", false);
  });

  it("H54: an unregistered redirect_uri from an authenticated client → 400 invalid_request (no RFC 9126 §2.4 exception); other errors as JSON", async () => {
    await expectOAuthError(await t.postForm("/par", form({ redirect_uri: "https://rp.example.com/other" }), auth()), 400, "invalid_request");
    await expectOAuthError(await t.postForm("/par", form({ scope: "openid unknown" }), auth()), 400, "invalid_scope");
    await expectOAuthError(await t.postForm("/par", form({ response_type: "token" }), auth()), 400, "unsupported_response_type");
    await expectOAuthError(await t.postForm("/par", form({ scope: ["openid", "openid"] }), auth()), 400, "invalid_request");
  });

  it("H54: a body over BODY_LIMIT → 413", async () => {
    const body = formBody(form({ state: "x".repeat(70_000) }));
    const res = await rawHttp(`${t.publicUrl}/par`, { headers: { "content-type": "application/x-www-form-urlencoded", ...auth() }, body });
    assert.equal(res.status, 413);
  });

  it("H54: a burst of pushes from one client → 429 with Retry-After after PAR_LIMIT; other clients unaffected", async () => {
    const burst = await t.createClient({ redirect_uris: [CB] });
    const headers = basic(burst.client_id, burst.client_secret!);
    for (let i = 0; i < PAR_LIMIT; i++) await push(form(), headers);
    const limited = await t.postForm("/par", form(), headers);
    await expectOAuthError(limited, 429, "too_many_requests");
    assert.equal(limited.headers.get("retry-after"), "60");
    const third = await t.createClient({ redirect_uris: [CB] });
    await push(form(), basic(third.client_id, third.client_secret!));
  });

  it("discovery advertises the authorization endpoint, PAR, request objects and S256 only", async () => {
    const metadata = (await (await fetch(`${t.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(metadata.authorization_endpoint, `${t.issuer}/authorize`);
    assert.equal(metadata.pushed_authorization_request_endpoint, `${t.issuer}/par`);
    assert.equal(metadata.require_pushed_authorization_requests, false);
    assert.equal(metadata.request_parameter_supported, true);
    assert.equal(metadata.request_uri_parameter_supported, true);
    assert.equal(metadata.require_request_uri_registration, true);
    assert.deepEqual(metadata.code_challenge_methods_supported, ["S256"]);
    assert.ok(!(metadata.request_object_signing_alg_values_supported as string[]).some((alg) => alg === "none" || alg.startsWith("HS")));
    assert.deepEqual(metadata.prompt_values_supported, ["none", "login", "consent", "select_account"]);
    assert.equal(metadata.claims_parameter_supported, true);
    assert.deepEqual(metadata.display_values_supported, ["page"]);
    assert.deepEqual(metadata.ui_locales_supported, ["en", "de"]);
    assert.deepEqual(metadata.response_types_supported, ["code", "id_token", "code id_token", "id_token token", "code token", "code id_token token"]);
  });
});

describe("REQUIRE_PAR=true (corpus H53) and PKCE_PLAIN_ALLOWED", () => {
  let t: TestApp;
  let client: { client_id: string; client_secret?: string };
  before(async () => {
    t = await startTestApp({ requirePar: "true", pkcePlainAllowed: "true" });
    client = await t.createClient({ redirect_uris: [CB] });
  });
  after(() => t.stop());

  it("a plain authorization request → invalid_request (redirected); the pushed one is accepted; plain PKCE allowed when configured", async () => {
    const params = { response_type: "code", redirect_uri: CB, scope: "openid", code_challenge: "x".repeat(43), code_challenge_method: "plain" };
    await expectRefused(validate(t, { client_id: client.client_id, ...params }), "invalid_request", CB);
    const res = await t.postForm("/par", params, basic(client.client_id, client.client_secret!));
    assert.equal(res.status, 201);
    const { request_uri } = (await res.json()) as { request_uri: string };
    const request = await validate(t, { client_id: client.client_id, request_uri });
    assert.equal(request.codeChallengeMethod, "plain");
    const metadata = (await (await fetch(`${t.publicUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(metadata.require_pushed_authorization_requests, true);
    assert.deepEqual(metadata.code_challenge_methods_supported, ["S256", "plain"]);
  });
});
