import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { exportJWK, generateKeyPair } from "jose";
import * as oauth from "oauth4webapi";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../support/test-app.js";

/** "Interop is the judge": certified client libraries drive discovery, token issuance, validation, introspection, revocation. */
describe("interop with openid-client and oauth4webapi", () => {
  let t: TestApp;
  const api = "https://api.example.test/";

  before(async () => {
    t = await startTestApp();
    await t.createResource(api, "api:read api:write");
  });
  after(() => t.stop());

  test("openid-client: discovery, client_credentials (client_secret_basic), introspection, revocation", async () => {
    const registered = await t.createClient({ grant_types: ["client_credentials"], scope: "api:read portcullis:tokens" });
    const config = await client.discovery(new URL(t.issuer), registered.client_id, undefined, client.ClientSecretBasic(registered.client_secret!), { execute: [client.allowInsecureRequests] });
    assert.equal(config.serverMetadata().issuer, t.issuer);
    const tokens = await client.clientCredentialsGrant(config, { scope: "api:read", resource: api });
    assert.equal(tokens.token_type, "bearer");
    assert.equal(tokens.expires_in, 3600);
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.client_id, registered.client_id);
    assert.equal(introspected.aud, api);
    await client.tokenRevocation(config, tokens.access_token);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
  });

  test("oauth4webapi: private_key_jwt client gets a token that validateJwtAccessToken accepts as an RFC 9068 JWT", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    const registered = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [jwk] } });
    const as = await oauth.processDiscoveryResponse(new URL(t.issuer), await oauth.discoveryRequest(new URL(t.issuer), { [oauth.allowInsecureRequests]: true }));
    const oclient: oauth.Client = { client_id: registered.client_id };
    const auth = oauth.PrivateKeyJwt({ key: privateKey, kid: "k1" });
    const response = await oauth.clientCredentialsGrantRequest(as, oclient, auth, { scope: "api:write", resource: api }, { [oauth.allowInsecureRequests]: true });
    const tokens = await oauth.processClientCredentialsResponse(as, oclient, response);
    const request = new Request(`${api}orders`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, request, api, { [oauth.allowInsecureRequests]: true });
    assert.equal(claims.client_id, registered.client_id);
    assert.equal(claims.sub, registered.client_id);
    assert.equal(claims.scope, "api:write");
  });

  test("oauth4webapi: client_secret_jwt and client_secret_post clients authenticate", async () => {
    const as = await oauth.processDiscoveryResponse(new URL(t.issuer), await oauth.discoveryRequest(new URL(t.issuer), { [oauth.allowInsecureRequests]: true }));
    for (const [method, auth] of [
      ["client_secret_jwt", (secret: string) => oauth.ClientSecretJwt(secret)],
      ["client_secret_post", (secret: string) => oauth.ClientSecretPost(secret)],
    ] as const) {
      const registered = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: method });
      const oclient: oauth.Client = { client_id: registered.client_id };
      const response = await oauth.clientCredentialsGrantRequest(as, oclient, auth(registered.client_secret!), {}, { [oauth.allowInsecureRequests]: true });
      const tokens = await oauth.processClientCredentialsResponse(as, oclient, response);
      assert.ok(tokens.access_token, method);
    }
  });
});
