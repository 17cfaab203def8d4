import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as oauth from "oauth4webapi";
import { UserService } from "../../src/core/users/user.service.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** oauth4webapi redeems a code from the authorization challenge endpoint and runs the password grant (its generic token request). */
describe("interop: first-party apps and the password grant with oauth4webapi", () => {
  let t: TestApp;
  let as: oauth.AuthorizationServer;

  before(async () => {
    t = await startTestApp({ plugins: fileURLToPath(new URL("../../plugins/grants/password/index.ts", import.meta.url)) });
    await t.app.container.resolve(UserService).create({ username: "alice", password: "alice-password-1" });
    as = await oauth.processDiscoveryResponse(new URL(t.issuer), await oauth.discoveryRequest(new URL(t.issuer), { ...insecure, algorithm: "oidc" }));
  });
  after(() => t.stop());

  test("a code from authorization_challenge_endpoint, redeemed without redirect_uri: tokens and a valid ID token", async () => {
    const registered = await t.createClient({ grant_types: ["authorization_code"], redirect_uris: ["com.example.app:/callback"], application_type: "native", token_endpoint_auth_method: "none", authorization_challenge_allowed: true, skip_consent: true });
    const client: oauth.Client = { client_id: registered.client_id };
    const verifier = oauth.generateRandomCodeVerifier();
    const nonce = oauth.generateRandomNonce();
    const endpoint = as.authorization_challenge_endpoint as string;
    assert.equal(endpoint, `${t.issuer}/authorize-challenge`);
    const body = new URLSearchParams({ client_id: client.client_id, response_type: "code", scope: "openid", nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", username: "alice", password: "alice-password-1" });
    const challenged = await fetch(endpoint, { method: "POST", body });
    assert.equal(challenged.status, 200);
    const { authorization_code: code } = (await challenged.json()) as { authorization_code: string };

    const response = await oauth.genericTokenEndpointRequest(as, client, oauth.None(), "authorization_code", { code, code_verifier: verifier }, insecure);
    const tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
    assert.equal(tokens.token_type, "bearer");
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    assert.equal(claims.nonce, nonce);
    assert.deepEqual(claims.amr, ["pwd"]);
  });

  test("the password grant for a client an operator enabled (client_secret_basic)", async () => {
    const registered = await t.createClient({ grant_types: ["password"], password_grant_allowed: true });
    const client: oauth.Client = { client_id: registered.client_id };
    const response = await oauth.genericTokenEndpointRequest(as, client, oauth.ClientSecretBasic(registered.client_secret!), "password", { username: "alice", password: "alice-password-1", scope: "openid" }, insecure);
    const tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
    assert.ok(tokens.access_token);
    assert.equal(oauth.getValidatedIdTokenClaims(tokens)!.preferred_username, undefined, "openid alone: no profile claims");
  });
});
