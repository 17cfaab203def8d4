import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { basic, endpointRequest, expectOAuthError, Harness, ISSUER, JWT_BEARER, signAssertion, testKey } from "./client-auth-harness.js";

const SECRET = "s3cret-value-with-enough-entropy_0123456789";
const CHALLENGE = `Basic realm="${ISSUER}"`;

describe("ClientAuthenticationService (corpus D 24, 31)", () => {
  let h: Harness;
  const rsa = testKey("RS256");

  before(async () => {
    h = await Harness.open();
    await h.addClient({ clientId: "basic-client", metadata: {}, secret: SECRET });
    await h.addClient({ clientId: "post-client", metadata: { token_endpoint_auth_method: "client_secret_post" }, secret: SECRET });
    await h.addClient({ clientId: "pkjwt-client", metadata: { token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [rsa.publicJwk] } } });
    await h.addClient({ clientId: "spa", metadata: { token_endpoint_auth_method: "none" } });
    await h.addClient({ clientId: "mtls-client", metadata: { token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_dns: "client.example.com" } });
  });
  after(() => h.close());

  it("authenticates client_secret_basic (the default method) and client_secret_post", async () => {
    const viaBasic = await h.service.authenticate(endpointRequest({}, { authorization: basic("basic-client", SECRET) }));
    assert.equal(viaBasic.client.clientId, "basic-client");
    assert.equal(viaBasic.method, "client_secret_basic");
    const viaPost = await h.service.authenticate(endpointRequest({ client_id: "post-client", client_secret: SECRET }));
    assert.equal(viaPost.method, "client_secret_post");
  });

  it("authenticates private_key_jwt with client_id in the body or only in the assertion's sub", async () => {
    const assertion = () => signAssertion(rsa.privateKey, { alg: "RS256", kid: rsa.kid }, "pkjwt-client", h.clock.seconds);
    const withId = await h.service.authenticate(endpointRequest({ client_id: "pkjwt-client", client_assertion_type: JWT_BEARER, client_assertion: await assertion() }));
    assert.equal(withId.method, "private_key_jwt");
    const bySub = await h.service.authenticate(endpointRequest({ client_assertion_type: JWT_BEARER, client_assertion: await assertion() }));
    assert.equal(bySub.client.clientId, "pkjwt-client");
  });

  it("a TLS certificate with client_id alone: core runs the ambient method the client registered (RFC 8705 §2)", async () => {
    const overTls = (clientId: string, headers: Record<string, string> = {}) => ({ ...endpointRequest({ client_id: clientId }, headers), clientCertificate: { der: Buffer.from("not a certificate"), chainVerified: true } });
    assert.equal((await h.service.authenticate(overTls("spa"), { allowPublic: true })).method, "none", "a public client may connect with a certificate");
    const tls = await expectOAuthError(h.service.authenticate(overTls("mtls-client")), "invalid_client", 401);
    assert.equal(tls.description, "the client certificate cannot be parsed", "tls_client_auth ran, not none");
    const other = await expectOAuthError(h.service.authenticate(overTls("basic-client")), "invalid_client", 401);
    assert.equal(other.description, "client authentication method does not match the registered one");
    assert.equal((await h.service.authenticate(overTls("basic-client", { authorization: basic("basic-client", SECRET) }))).method, "client_secret_basic", "beside a secret the certificate authenticates nothing");
  });

  it("24: Basic plus a body secret is 400 invalid_request", async () => {
    const request = endpointRequest({ client_id: "basic-client", client_secret: SECRET }, { authorization: basic("basic-client", SECRET) });
    await expectOAuthError(h.service.authenticate(request), "invalid_request", 400);
  });

  it("24: Basic plus client_assertion, and a body secret plus client_assertion, are 400 invalid_request", async () => {
    const assertion = await signAssertion(rsa.privateKey, { alg: "RS256", kid: rsa.kid }, "pkjwt-client", h.clock.seconds);
    const jwt = { client_assertion_type: JWT_BEARER, client_assertion: assertion };
    await expectOAuthError(h.service.authenticate(endpointRequest(jwt, { authorization: basic("pkjwt-client", SECRET) })), "invalid_request", 400);
    await expectOAuthError(h.service.authenticate(endpointRequest({ ...jwt, client_id: "pkjwt-client", client_secret: SECRET })), "invalid_request", 400);
  });

  it("24: a method other than the registered one is 401 invalid_client (with WWW-Authenticate when via Basic)", async () => {
    await expectOAuthError(h.service.authenticate(endpointRequest({ client_id: "basic-client", client_secret: SECRET })), "invalid_client", 401);
    const viaHeader = await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic("post-client", SECRET) })), "invalid_client", 401);
    assert.equal(viaHeader.headers["www-authenticate"], CHALLENGE);
  });

  it("24: malformed Basic (bad base64, no colon, bad percent-encoding) is 401 invalid_client with WWW-Authenticate, never 500", async () => {
    for (const authorization of ["Basic !!!not-base64", `Basic ${Buffer.from("no-colon").toString("base64")}`, `Basic ${Buffer.from("basic-client:%zz").toString("base64")}`, "Basic"]) {
      const error = await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization }, "198.51.100.1")), "invalid_client", 401);
      assert.equal(error.headers["www-authenticate"], CHALLENGE, authorization);
    }
  });

  it("a wrong secret or an unknown client is 401 invalid_client; WWW-Authenticate only when the Authorization header was used", async () => {
    const wrong = await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic("basic-client", "nope") }, "198.51.100.2")), "invalid_client", 401);
    assert.equal(wrong.headers["www-authenticate"], CHALLENGE);
    const unknown = await expectOAuthError(h.service.authenticate(endpointRequest({ client_id: "ghost", client_secret: SECRET }, {}, "198.51.100.2")), "invalid_client", 401);
    assert.equal(unknown.headers["www-authenticate"], undefined);
  });

  it("no credentials at all is 401 invalid_client", async () => {
    await expectOAuthError(h.service.authenticate(endpointRequest({ grant_type: "client_credentials" }, {}, "198.51.100.3")), "invalid_client", 401);
  });

  it("a public client (none) passes only with allowPublic; a confidential client cannot pose as public", async () => {
    const spa = await h.service.authenticate(endpointRequest({ client_id: "spa" }), { allowPublic: true });
    assert.equal(spa.method, "none");
    await expectOAuthError(h.service.authenticate(endpointRequest({ client_id: "spa" }, {}, "198.51.100.4")), "invalid_client", 401);
    await expectOAuthError(h.service.authenticate(endpointRequest({ client_id: "basic-client" }, {}, "198.51.100.4"), { allowPublic: true }), "invalid_client", 401);
  });

  it("an expired client secret is 401 invalid_client; client_secret_expires_at 0 never expires", async () => {
    await h.addClient({ clientId: "expired", metadata: {}, secret: SECRET, secretExpiresAt: h.clock.seconds - 1 });
    await h.addClient({ clientId: "forever", metadata: {}, secret: SECRET, secretExpiresAt: 0 });
    await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic("expired", SECRET) }, "198.51.100.5")), "invalid_client", 401);
    assert.equal((await h.service.authenticate(endpointRequest({}, { authorization: basic("forever", SECRET) }))).client.clientId, "forever");
  });

  it("31: a forwarded-certificate header sent by the client is ignored (no certificate authentication here)", async () => {
    const headers = { "client-cert": ":MIIBkTCB+wIJAK...:", "x-ssl-client-cert": "-----BEGIN CERTIFICATE-----" };
    await expectOAuthError(h.service.authenticate(endpointRequest({ client_id: "basic-client" }, headers, "198.51.100.6")), "invalid_client", 401);
  });

});

describe("ClientAuthenticationService throttling (corpus S118)", () => {
  let h: Harness;

  before(async () => {
    h = await Harness.open({ authFailureLimit: "3", rateLimitWindow: "60" });
    await h.addClient({ clientId: "basic-client", metadata: {}, secret: SECRET });
  });
  after(() => h.close());

  it("S118: after the failure limit, one address gets 429 + Retry-After before any credential check, even with a right secret", async () => {
    const address = "192.0.2.50";
    for (let i = 0; i < 3; i++) {
      await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic(`nobody-${i}`, "x") }, address)), "invalid_client", 401);
    }
    const locked = await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic("basic-client", SECRET) }, address)), "too_many_requests", 429);
    assert.equal(locked.headers["retry-after"], "60");
    const wrong = await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic("basic-client", "wrong") }, address)), "too_many_requests", 429);
    assert.deepEqual([wrong.description, wrong.headers], [locked.description, locked.headers], "a right and a wrong secret get the same answer: no oracle");
    h.clock.advance(45);
    const later = await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic("basic-client", SECRET) }, address)), "too_many_requests", 429);
    assert.equal(later.headers["retry-after"], "15");
    h.clock.advance(16);
    assert.equal((await h.service.authenticate(endpointRequest({}, { authorization: basic("basic-client", SECRET) }, address))).client.clientId, "basic-client");
  });

  it("S118: failures against one client from many addresses lock that client only, other clients are unaffected", async () => {
    await h.addClient({ clientId: "victim", metadata: {}, secret: SECRET });
    for (let i = 0; i < 3; i++) {
      await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic("victim", "guess") }, `10.9.0.${i}`)), "invalid_client", 401);
    }
    await expectOAuthError(h.service.authenticate(endpointRequest({}, { authorization: basic("victim", SECRET) }, "10.9.1.1")), "too_many_requests", 429);
    assert.equal((await h.service.authenticate(endpointRequest({}, { authorization: basic("basic-client", SECRET) }, "10.9.1.1"))).client.clientId, "basic-client");
  });
});
