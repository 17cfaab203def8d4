import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import * as oauth from "oauth4webapi";
import { TrustedIssuerService } from "../../src/core/trust/trusted-issuer.service.js";
import { UserService } from "../../src/core/users/user.service.js";
import { JWT_BEARER_GRANT } from "../support/jwt-bearer-fixtures.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** oauth4webapi drives the JWT bearer grant (RFC 7523 §2.1) with its generic token-endpoint request, as a partner's client would. */
describe("interop: JWT bearer grant with oauth4webapi", () => {
  const idp = "https://idp.partner.example";
  const api = "https://api.example.test/";
  const insecure = { [oauth.allowInsecureRequests]: true };
  let t: TestApp;
  let idpKey: CryptoKey;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;
  let auth: oauth.ClientAuth;
  let aliceId = "";

  /** What the partner's IdP would issue for alice (RFC 7523 §3). */
  const assertion = (aud: string) =>
    new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: "ES256", kid: "idp-1" }).setIssuer(idp).setSubject("alice").setAudience(aud).setIssuedAt().setExpirationTime("2m").sign(idpKey);

  before(async () => {
    t = await startTestApp();
    await t.createResource(api, "api:read");
    aliceId = (await t.app.container.resolve(UserService).create({ username: "alice", password: "correct horse battery" })).id;
    const idpKeys = await generateKeyPair("ES256");
    idpKey = idpKeys.privateKey;
    const clientKeys = await generateKeyPair("ES256");
    const registered = await t.createClient({
      grant_types: [JWT_BEARER_GRANT],
      token_endpoint_auth_method: "private_key_jwt",
      jwks: { keys: [{ ...(await exportJWK(clientKeys.publicKey)), kid: "c1", alg: "ES256", use: "sig" }] },
    });
    await t.app.container.resolve(TrustedIssuerService).put({
      issuer: idp,
      uses: ["jwt-bearer"],
      allowedClients: [registered.client_id],
      subjectMapping: "username",
      jwks: { keys: [{ ...(await exportJWK(idpKeys.publicKey)), kid: "idp-1" }] },
    });
    as = await oauth.processDiscoveryResponse(new URL(t.issuer), await oauth.discoveryRequest(new URL(t.issuer), insecure));
    client = { client_id: registered.client_id };
    auth = oauth.PrivateKeyJwt({ key: clientKeys.privateKey, kid: "c1" });
  });
  after(() => t.stop());

  test("discovery lists the grant; genericTokenEndpointRequest gets an RFC 9068 access token for the mapped user", async () => {
    assert.ok(as.grant_types_supported?.includes(JWT_BEARER_GRANT));
    const response = await oauth.genericTokenEndpointRequest(as, client, auth, JWT_BEARER_GRANT, { assertion: await assertion(as.issuer), scope: "api:read", resource: api }, insecure);
    const tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
    assert.equal(tokens.refresh_token, undefined);
    assert.equal(tokens.id_token, undefined);
    const request = new Request(`${api}orders`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, request, api, insecure);
    assert.equal(claims.sub, aliceId);
    assert.equal(claims.client_id, client.client_id);
    assert.equal(claims.scope, "api:read");
  });

  test("the token endpoint URL as aud works; a replayed assertion is an invalid_grant ResponseBodyError", async () => {
    const jwt = await assertion(as.token_endpoint!);
    await oauth.processGenericTokenEndpointResponse(as, client, await oauth.genericTokenEndpointRequest(as, client, auth, JWT_BEARER_GRANT, { assertion: jwt }, insecure));
    const replay = await oauth.genericTokenEndpointRequest(as, client, auth, JWT_BEARER_GRANT, { assertion: jwt }, insecure);
    await assert.rejects(oauth.processGenericTokenEndpointResponse(as, client, replay), (error: unknown) => {
      assert.ok(error instanceof oauth.ResponseBodyError);
      assert.equal(error.status, 400);
      assert.equal(error.error, "invalid_grant");
      assert.equal(error.error_description, "assertion rejected: jti was already used");
      return true;
    });
  });
});
