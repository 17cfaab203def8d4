import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientSecretJwtClientAuth } from "../../../plugins/client-auth/client-secret-jwt/client-secret-jwt.client-auth.js";
import { PrivateKeyJwtClientAuth } from "../../../plugins/client-auth/private-key-jwt/private-key-jwt.client-auth.js";
import { endpointRequest, expectOAuthError, JWT_BEARER, signAssertion, testKey } from "../../core/clients/auth-fixtures.js";
import { StubContext } from "./stub-context.js";

const secretJwt = new ClientSecretJwtClientAuth();
const privateKeyJwt = new PrivateKeyJwtClientAuth();
const NOW = 1_900_000_000;
const hmacKey = new TextEncoder().encode("a-client-secret-of-at-least-thirty-two-bytes");
const ecKey = testKey("ES256");
const jwtRequest = (assertion: string, extra: Record<string, string> = {}) =>
  endpointRequest({ client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra });
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("client_secret_jwt and private_key_jwt (RFC 7523 §2.2, OIDC Core §9)", () => {
  it("exactly one of the two detects any request with an assertion: HS* → client_secret_jwt, anything else → private_key_jwt", async () => {
    const hs = await signAssertion(hmacKey, { alg: "HS256" }, "c", NOW);
    const es = await signAssertion(ecKey.privateKey, { alg: "ES256", kid: ecKey.kid }, "c", NOW);
    const none = `${b64url({ alg: "none" })}.${b64url({ sub: "c" })}.`;
    const cases: [Record<string, string>, "secret" | "keys"][] = [
      [{ client_assertion_type: JWT_BEARER, client_assertion: hs }, "secret"],
      [{ client_assertion_type: JWT_BEARER, client_assertion: es }, "keys"],
      [{ client_assertion_type: JWT_BEARER, client_assertion: none }, "keys"],
      [{ client_assertion_type: JWT_BEARER, client_assertion: "garbage" }, "keys"],
      [{ client_assertion_type: JWT_BEARER }, "keys"],
      [{ client_assertion: hs }, "secret"],
    ];
    for (const [params, expected] of cases) {
      const request = endpointRequest(params);
      assert.deepEqual([secretJwt.detect(request), privateKeyJwt.detect(request)], [expected === "secret", expected === "keys"], JSON.stringify(params));
    }
    assert.deepEqual([secretJwt.detect(endpointRequest({ client_id: "c" })), privateKeyJwt.detect(endpointRequest({ client_id: "c" }))], [false, false]);
  });

  it("a header alg that is not a string (an object, a number, null) is not HMAC and never throws (found by test/fuzz)", () => {
    for (const alg of [{ __proto__: { polluted: true } }, ["HS256"], 256, null, true]) {
      const request = jwtRequest(`${b64url({ alg })}.${b64url({ sub: "c" })}.c2ln`);
      assert.deepEqual([secretJwt.detect(request), privateKeyJwt.detect(request)], [false, true], JSON.stringify(alg));
    }
  });

  it("takes the client id from client_id when sent (core then requires iss = sub = it), else from the assertion's unverified sub", async () => {
    const assertion = await signAssertion(ecKey.privateKey, { alg: "ES256", kid: ecKey.kid }, "from-sub", NOW);
    const ctx = new StubContext(["from-sub", "from-body"]);
    assert.equal(privateKeyJwt.claimedClientId(jwtRequest(assertion)), "from-sub");
    assert.equal(privateKeyJwt.claimedClientId(jwtRequest(assertion, { client_id: "from-body" })), "from-body");
    const bySub = await privateKeyJwt.authenticate(jwtRequest(assertion), ctx);
    assert.deepEqual([bySub.client.clientId, bySub.method], ["from-sub", "private_key_jwt"]);
    await privateKeyJwt.authenticate(jwtRequest(assertion, { client_id: "from-body" }), ctx);
    assert.deepEqual(
      ctx.assertionChecks.map((c) => [c.clientId, c.expectation.keySource]),
      [
        ["from-sub", "jwks"],
        ["from-body", "jwks"],
      ],
    );
  });

  it("client_secret_jwt asks core to verify with the secret", async () => {
    const ctx = new StubContext(["c"]);
    const result = await secretJwt.authenticate(jwtRequest(await signAssertion(hmacKey, { alg: "HS256" }, "c", NOW)), ctx);
    assert.equal(result.method, "client_secret_jwt");
    assert.equal(ctx.assertionChecks[0]?.expectation.keySource, "secret");
  });

  it("a wrong or missing client_assertion_type, a missing assertion, or no client id is invalid_client before any verification", async () => {
    const ctx = new StubContext(["c"]);
    const assertion = await signAssertion(ecKey.privateKey, { alg: "ES256" }, "c", NOW);
    const noSub = await signAssertion(ecKey.privateKey, { alg: "ES256" }, "c", NOW, { sub: undefined });
    const requests: Record<string, string>[] = [
      { client_assertion: assertion },
      { client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer", client_assertion: assertion },
      { client_assertion_type: JWT_BEARER },
      { client_assertion_type: JWT_BEARER, client_assertion: noSub },
      { client_assertion_type: JWT_BEARER, client_assertion: "garbage" },
    ];
    for (const params of requests) {
      await expectOAuthError(privateKeyJwt.authenticate(endpointRequest(params), ctx), "invalid_client", 401);
    }
    assert.equal(ctx.assertionChecks.length, 0);
  });

  it("advertises its signing algorithms, never none, and no HMAC for private_key_jwt", () => {
    assert.deepEqual([...secretJwt.signingAlgorithms], ["HS256", "HS384", "HS512"]);
    const asymmetric: readonly string[] = privateKeyJwt.signingAlgorithms;
    assert.ok(!asymmetric.some((alg) => alg === "none" || alg.startsWith("HS")));
  });
});
