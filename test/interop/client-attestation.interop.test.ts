import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import * as oauth from "oauth4webapi";
import { TrustedIssuerService } from "../../src/core/trust/trusted-issuer.service.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * oauth4webapi (3.8.8, the version installed) has no built-in attestation-based client authentication, so this drives
 * the token endpoint through its public `ClientAuth` extension point with a function that adds the two header fields
 * (draft-ietf-oauth-attestation-based-client-auth-11 §4, §5.1), the attestation and PoP made with jose as a wallet
 * would: discovery, the challenge endpoint, and the library's request and response processing are the library's own.
 */
describe("interop: attest_jwt_client_auth through oauth4webapi's ClientAuth", () => {
  const attester = "https://wallet-provider.example";
  const api = "https://api.example.test/";
  const insecure = { [oauth.allowInsecureRequests]: true };
  let t: TestApp;
  let attesterKey: CryptoKey;
  let instance: { privateKey: CryptoKey; jwk: JWK };
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;

  /** A ClientAuth that sends a Client Attestation and a fresh PoP (with `challenge` when given) on every request. */
  const attestationAuth =
    (challenge?: string): oauth.ClientAuth =>
    async (server, oauthClient, _body, headers) => {
      const attestation = await new SignJWT({ cnf: { jwk: instance.jwk } })
        .setProtectedHeader({ alg: "ES256", kid: "wp-1", typ: "oauth-client-attestation+jwt" })
        .setIssuer(attester)
        .setSubject(oauthClient.client_id)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(attesterKey);
      const pop = await new SignJWT({ jti: randomUUID(), ...(challenge && { challenge }) })
        .setProtectedHeader({ alg: "ES256", typ: "oauth-client-attestation-pop+jwt" })
        .setAudience(server.issuer)
        .setIssuedAt()
        .sign(instance.privateKey);
      headers.set("oauth-client-attestation", attestation);
      headers.set("oauth-client-attestation-pop", pop);
    };

  before(async () => {
    t = await startTestApp();
    await t.createResource(api, "api:read");
    const attesterKeys = await generateKeyPair("ES256");
    attesterKey = attesterKeys.privateKey;
    const instanceKeys = await generateKeyPair("ES256");
    instance = { privateKey: instanceKeys.privateKey, jwk: await exportJWK(instanceKeys.publicKey) };
    const registered = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "attest_jwt_client_auth", scope: "api:read" });
    await t.app.container.resolve(TrustedIssuerService).put({
      issuer: attester,
      uses: ["client-attestation"],
      allowedClients: ["*"],
      subjectMapping: "pass-through",
      jwks: { keys: [{ ...(await exportJWK(attesterKeys.publicKey)), kid: "wp-1" }] },
      maxLifetime: 86_400,
    });
    as = await oauth.processDiscoveryResponse(new URL(t.issuer), await oauth.discoveryRequest(new URL(t.issuer), insecure));
    client = { client_id: registered.client_id };
  });
  after(() => t.stop());

  test("discovery advertises the method and the challenge endpoint; client credentials succeed and the token validates", async () => {
    assert.ok(as.token_endpoint_auth_methods_supported?.includes("attest_jwt_client_auth"));
    assert.equal(as.challenge_endpoint, `${t.issuer}/challenge`);
    const response = await oauth.clientCredentialsGrantRequest(as, client, attestationAuth(), { scope: "api:read", resource: api }, insecure);
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    const claims = await oauth.validateJwtAccessToken(as, new Request(api, { headers: { authorization: `Bearer ${tokens.access_token}` } }), api, insecure);
    assert.equal(claims.client_id, client.client_id);
  });

  test("with a challenge from the challenge endpoint; a reused one surfaces as the library's ResponseBodyError", async () => {
    const challenge = ((await (await fetch(String(as.challenge_endpoint), { method: "POST" })).json()) as { attestation_challenge: string }).attestation_challenge;
    const response = await oauth.clientCredentialsGrantRequest(as, client, attestationAuth(challenge), { scope: "api:read" }, insecure);
    await oauth.processClientCredentialsResponse(as, client, response);
    const reused = await oauth.clientCredentialsGrantRequest(as, client, attestationAuth(challenge), { scope: "api:read" }, insecure);
    await assert.rejects(oauth.processClientCredentialsResponse(as, client, reused), (error: unknown) => {
      assert.ok(error instanceof oauth.ResponseBodyError);
      assert.equal(error.error, "use_attestation_challenge");
      assert.ok(error.response.headers.get("oauth-client-attestation-challenge"));
      return true;
    });
  });
});
