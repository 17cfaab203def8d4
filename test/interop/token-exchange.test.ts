import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oauth from "oauth4webapi";
import * as client from "openid-client";
import { TokenTypes } from "../../src/plugin-sdk/index.js";
import { API, GRANT, startExchangeFixture, type ExchangeFixture } from "../integration/http/token-exchange-fixture.js";

/** RFC 8693 through certified client libraries: the request they build, the response they accept, the JWT a resource server validates. */
describe("token exchange interop with oauth4webapi and openid-client", () => {
  let f: ExchangeFixture;
  const insecure = { [oauth.allowInsecureRequests]: true } as const;
  before(async () => {
    f = await startExchangeFixture();
  });
  after(() => f.t.stop());

  test("oauth4webapi: generic token endpoint request, then validateJwtAccessToken as the target resource server", async () => {
    const as = await oauth.processDiscoveryResponse(new URL(f.t.issuer), await oauth.discoveryRequest(new URL(f.t.issuer), insecure));
    const gateway: oauth.Client = { client_id: f.gateway.client_id };
    const subjectToken = await f.clientToken(f.machine, "api:read api:write");
    const parameters = { subject_token: subjectToken, subject_token_type: TokenTypes.accessToken, audience: API, scope: "api:read", requested_token_type: TokenTypes.jwt };
    const response = await oauth.genericTokenEndpointRequest(as, gateway, oauth.ClientSecretBasic(f.gateway.client_secret!), GRANT, parameters, insecure);
    const tokens = await oauth.processGenericTokenEndpointResponse(as, gateway, response);
    assert.equal(tokens.issued_token_type, TokenTypes.jwt);
    assert.equal(tokens.scope, "api:read");
    const claims = await oauth.validateJwtAccessToken(as, new Request(`${API}orders`, { headers: { authorization: `Bearer ${tokens.access_token}` } }), API, insecure);
    assert.deepEqual([claims.sub, claims.client_id, claims.scope], [f.machine.client_id, f.gateway.client_id, "api:read"]);
  });

  test("openid-client: genericGrantRequest with an actor token; the error of a refused exchange is surfaced as RFC 8693 §2.2.2 says", async () => {
    const config = await client.discovery(new URL(f.t.issuer), f.gateway.client_id, undefined, client.ClientSecretBasic(f.gateway.client_secret!), { execute: [client.allowInsecureRequests] });
    const subjectToken = await f.clientToken(f.machine, "api:read");
    const actorToken = await f.clientToken(f.gateway);
    const tokens = await client.genericGrantRequest(config, GRANT, { subject_token: subjectToken, subject_token_type: TokenTypes.accessToken, actor_token: actorToken, actor_token_type: TokenTypes.accessToken, audience: API });
    assert.equal(tokens.issued_token_type, TokenTypes.accessToken);
    assert.equal(tokens.token_type, "bearer");
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    assert.deepEqual(introspected.act, { sub: f.gateway.client_id });
    await assert.rejects(client.genericGrantRequest(config, GRANT, { subject_token: "expired-or-forged", subject_token_type: TokenTypes.accessToken }), (error: client.ResponseBodyError) => {
      assert.equal(error.error, "invalid_request");
      assert.equal(error.status, 400);
      return true;
    });
  });
});
