import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { decodeJwt } from "jose";
import { TrustedIssuerService } from "../../src/core/trust/trusted-issuer.service.js";
import { UserAccessService } from "../../src/core/users/user-access.service.js";
import { UserService } from "../../src/core/users/user.service.js";
import { FakeClock } from "../support/fake-clock.js";
import { confusedAssertions, JWT_BEARER_GRANT, signAssertion, testKey, unsignedAssertion, type AssertionBase } from "../support/jwt-bearer-fixtures.js";
import { expectOAuthError } from "../support/oauth-assertions.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

type Client = { client_id: string; client_secret?: string };

const IDP = "https://idp.example.org";
const API = "https://api.example.test/";

/** Security corpus N 79–81: the JWT bearer grant at /token (RFC 7523 §2.1, §3, §3.1), exact status and error. */
describe("JWT bearer grant (corpus N 79–81)", () => {
  const clock = new FakeClock();
  const rsa = testKey("RS256");
  const ec = testKey("ES256");
  let t: TestApp;
  let app: Client;
  let other: Client;
  let ccOnly: Client;
  let aliceId = "";

  const base = (overrides: Partial<AssertionBase> = {}): AssertionBase => ({ iss: IDP, sub: "alice", aud: t.issuer, now: Math.floor(clock.now() / 1000), ...overrides });
  const sign = (claims: Record<string, unknown> = {}, key = ec, header: Record<string, unknown> = {}) => signAssertion(key, base(), claims, header);
  const token = (form: Record<string, string | string[]>, client: Client = app) =>
    t.postForm("/token", { grant_type: JWT_BEARER_GRANT, ...form }, basic(client.client_id, client.client_secret!));
  const refused = async (assertion: string, description: string, client: Client = app) => {
    const body = await expectOAuthError(await token({ assertion }, client), 400, "invalid_grant");
    assert.equal(body.error_description, `assertion rejected: ${description}`);
  };

  before(async () => {
    t = await startTestApp({ authFailureLimit: "1000" }, { clock });
    await t.createResource(API, "api:read api:write");
    const users = t.app.container.resolve(UserService);
    aliceId = (await users.create({ username: "alice", password: "correct horse battery" })).id;
    await users.create({ username: "mallory", password: "correct horse battery" });
    await t.app.container.resolve(UserAccessService).disable("mallory");
    app = await t.createClient({ grant_types: [JWT_BEARER_GRANT], scope: "api:read openid offline_access" });
    other = await t.createClient({ grant_types: [JWT_BEARER_GRANT] });
    ccOnly = await t.createClient({ grant_types: ["client_credentials"] });
    await t.app.container.resolve(TrustedIssuerService).put({
      issuer: IDP,
      uses: ["jwt-bearer"],
      allowedClients: [app.client_id, ccOnly.client_id],
      subjectMapping: "username",
      jwks: { keys: [rsa.publicJwk, ec.publicJwk] },
    });
  });
  after(() => t.stop());

  test("a valid assertion → 200 with an access token for the mapped user; no refresh token and no ID token", async () => {
    const res = await token({ assertion: await sign(), scope: "api:read openid offline_access", resource: API });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in", "scope", "token_type"]);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.scope, "api:read openid offline_access");
    const claims = decodeJwt(body.access_token as string);
    assert.equal(claims.sub, aliceId, "the local user id, not the assertion's sub");
    assert.equal(claims.client_id, app.client_id);
    assert.equal(claims.aud, API);
  });

  test("the token endpoint URL, or an array holding the issuer, is an accepted aud; an RS256 assertion works too", async () => {
    for (const aud of [`${t.issuer}/token`, ["https://elsewhere.example", t.issuer]]) assert.equal((await token({ assertion: await sign({ aud }) })).status, 200);
    assert.equal((await token({ assertion: await sign({}, rsa) })).status, 200);
  });

  describe("N79", () => {
    test("bad signature → 400 invalid_grant", async () => {
      const valid = await sign();
      await refused(`${valid.slice(0, valid.lastIndexOf("."))}.${"A".repeat(86)}`, "signature is invalid");
      await refused(await sign({}, testKey("ES256", ec.kid)), "signature is invalid");
    });

    test("untrusted iss → 400 invalid_grant", async () => {
      await refused(await sign({ iss: "https://evil.example" }), "iss is not a trusted issuer");
    });

    test("aud ≠ this issuer → 400 invalid_grant", async () => {
      for (const aud of ["https://other-as.example", `${t.issuer}/par`]) await refused(await sign({ aud }), "aud does not name this server");
      await refused(await sign({ aud: undefined }), "aud is missing");
    });

    test("exp missing or past → 400 invalid_grant", async () => {
      const now = base().now;
      await refused(await sign({ exp: undefined }), "exp is missing");
      await refused(await sign({ iat: now - 600, exp: now - 60 }), "exp is in the past");
    });

    test("nbf beyond the leeway → 400 invalid_grant", async () => {
      const now = base().now;
      await refused(await sign({ nbf: now + 31, exp: now + 120 }), "nbf is in the future");
    });

    test("exp too far ahead → 400 invalid_grant", async () => {
      await refused(await sign({ exp: base().now + 86_400 }), "exp is more than 300 seconds ahead");
    });
  });

  describe("N80", () => {
    test("a replayed jti → 400 invalid_grant", async () => {
      const assertion = await sign();
      assert.equal((await token({ assertion })).status, 200);
      await refused(assertion, "jti was already used");
      await refused(await sign({ jti: decodeJwt(assertion).jti }), "jti was already used");
    });

    test("20 concurrent requests with one jti: exactly one 200, the others 400 invalid_grant", async () => {
      const assertion = await sign();
      const responses = await Promise.all(Array.from({ length: 20 }, () => token({ assertion })));
      assert.equal(responses.filter((res) => res.status === 200).length, 1);
      for (const res of responses.filter((r) => r.status !== 200)) {
        assert.equal((await expectOAuthError(res, 400, "invalid_grant")).error_description, "assertion rejected: jti was already used");
      }
    });
  });

  describe("N81", () => {
    test("HS256 signed with the issuer's RSA public key → 400 invalid_grant", async () => {
      for (const assertion of confusedAssertions(rsa, base())) await refused(assertion, "alg must be RS*, PS*, ES* or EdDSA");
    });

    test("alg none → 400 invalid_grant", async () => {
      await refused(unsignedAssertion(base()), "alg must be RS*, PS*, ES* or EdDSA");
    });

    test("sub mapping to an unknown or a disabled user → 400 invalid_grant", async () => {
      await refused(await signAssertion(ec, base({ sub: "nobody" })), "sub is not an enabled local user");
      await refused(await signAssertion(ec, base({ sub: "mallory" })), "sub is not an enabled local user");
    });
  });

  describe("request, client and issuer rules", () => {
    test("missing or repeated assertion → 400 invalid_request", async () => {
      await expectOAuthError(await token({}), 400, "invalid_request");
      await expectOAuthError(await token({ assertion: [await sign(), await sign()] }), 400, "invalid_request");
    });

    test("a client the issuer does not allow → 400 invalid_grant", async () => {
      await refused(await sign(), "the issuer is not trusted for this client", other);
    });

    test("a client not registered for the grant → 400 unauthorized_client; a wrong secret → 401 invalid_client", async () => {
      await expectOAuthError(await token({ assertion: await sign() }, ccOnly), 400, "unauthorized_client");
      await expectOAuthError(await token({ assertion: await sign() }, { client_id: app.client_id, client_secret: "wrong" }), 401, "invalid_client");
    });

    test("a public client cannot register the grant (client authentication is required)", async () => {
      await assert.rejects(t.createClient({ grant_types: [JWT_BEARER_GRANT], token_endpoint_auth_method: "none" }), { error: "invalid_client_metadata" });
    });

    test("a refused scope is 400 invalid_scope and does not burn the assertion", async () => {
      const assertion = await sign();
      await expectOAuthError(await token({ assertion, scope: "api:write" }), 400, "invalid_scope");
      assert.equal((await token({ assertion, scope: "api:read" })).status, 200);
    });

    test("garbage → 400 invalid_grant, never a 500", async () => {
      for (const assertion of ["x", "a.b.c", "a.b.c.d.e", "eyJ.eyJ.", "%00"]) await refused(assertion, "not a well-formed signed JWT");
    });
  });
});
