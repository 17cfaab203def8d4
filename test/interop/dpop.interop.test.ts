import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oauth from "oauth4webapi";
import * as client from "openid-client";
import { UserService } from "../../src/core/users/user.service.js";
import { HttpBrowser } from "../support/http-browser.js";
import { basic, startTestApp } from "../support/test-app.js";

const CB = "https://app.example.test/cb";
const CREDENTIALS = { username: "dana", password: "dana-password-1" };

/** Every answer the library got that asked for a DPoP nonce (RFC 9449 §8, §9): proof that its retry ran. */
function nonceRequests(): { fetch: (url: string, init: object) => Promise<Response>; count: () => number } {
  let count = 0;
  const recording = async (url: string, init: object) => {
    const response = await fetch(url, init as RequestInit);
    if (response.headers.has("dpop-nonce") && response.status >= 400) count++;
    return response;
  };
  return { fetch: recording, count: () => count };
}

/**
 * A server that requires DPoP nonces (DPOP_NONCE_REQUIRED), so every first proof is answered use_dpop_nonce, with a
 * user and a public client registered for DPoP-bound tokens. Each library gets its own server: both keep nonces per
 * origin in one cache, so a shared origin would hide the second library's retry.
 */
async function nonceServer() {
  const t = await startTestApp({ dpopNonceRequired: "true" });
  await t.app.container.resolve(UserService).create({ ...CREDENTIALS, name: "Dana" });
  const app = await t.createClient({
    redirect_uris: [CB],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    scope: "openid profile offline_access",
    dpop_bound_access_tokens: true,
  });
  const introspector = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
  return {
    t,
    app,
    signIn: async (url: URL) => (await new HttpBrowser().authorize(url.href, t.issuer, { credentials: CREDENTIALS, consent: "approve" })).location!,
    introspect: async (token: string) => (await (await t.postForm("/introspect", { token }, basic(introspector.client_id, introspector.client_secret!))).json()) as Record<string, unknown>,
  };
}

describe("interop: DPoP with openid-client (getDPoPHandle)", () => {
  let s: Awaited<ReturnType<typeof nonceServer>>;
  before(async () => (s = await nonceServer()));
  after(() => s.t.stop());

  test("PAR, code, refresh and userinfo, all bound to the handle's key; the library retries use_dpop_nonce itself", async () => {
    const nonces = nonceRequests();
    const config = await client.discovery(new URL(s.t.issuer), s.app.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    config[client.customFetch] = nonces.fetch;
    assert.ok(config.serverMetadata().dpop_signing_alg_values_supported?.includes("ES256"));
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair("ES256"));
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(
      config,
      { redirect_uri: CB, scope: "openid profile offline_access", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state, prompt: "consent" },
      { DPoP },
    );
    assert.equal(nonces.count(), 1, "PAR was answered use_dpop_nonce once and retried");
    const tokens = await client.authorizationCodeGrant(config, await s.signIn(url), { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP });
    assert.equal(tokens.token_type, "dpop");
    const cnf = (await s.introspect(tokens.access_token)).cnf as { jkt: string };
    assert.match(cnf.jkt, /^[A-Za-z0-9_-]{43}$/);
    const me = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub, { DPoP });
    assert.equal(me.name, "Dana");
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    assert.equal(refreshed.token_type, "dpop");
    assert.deepEqual((await s.introspect(refreshed.access_token)).cnf, cnf, "the same key throughout");
    const otherKey = client.getDPoPHandle(config, await client.randomDPoPKeyPair("ES256"));
    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token!, undefined, { DPoP: otherKey }), { error: "invalid_grant" }, "a public client's refresh token is bound to its key");
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub), "without the handle the token is useless");
  });
});

describe("interop: DPoP with oauth4webapi (DPoP())", () => {
  let s: Awaited<ReturnType<typeof nonceServer>>;
  before(async () => (s = await nonceServer()));
  after(() => s.t.stop());

  const insecure = { [oauth.allowInsecureRequests]: true };
  /** Sends once, and again if the server asked for a nonce: the handle learnt it from the answer (oauth4webapi's documented pattern). */
  const withNonceRetry = async <T>(send: () => Promise<Response>, process: (response: Response) => Promise<T>): Promise<T> => {
    try {
      return await process(await send());
    } catch (error) {
      if (!oauth.isDPoPNonceError(error)) throw error;
      return process(await send());
    }
  };

  test("PAR and the code flow with isDPoPNonceError retries, then userInfoRequest with the bound token", async () => {
    const nonces = nonceRequests();
    const options = { ...insecure, [oauth.customFetch]: nonces.fetch };
    const issuer = new URL(s.t.issuer);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const oclient: oauth.Client = { client_id: s.app.client_id };
    const DPoP = oauth.DPoP(oclient, await oauth.generateKeyPair("ES256"));
    const verifier = oauth.generateRandomCodeVerifier();
    const params = { redirect_uri: CB, scope: "openid profile", response_type: "code", code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", prompt: "consent" };
    const pushed = await withNonceRetry(
      () => oauth.pushedAuthorizationRequest(as, oclient, oauth.None(), params, { DPoP, ...options }),
      (response) => oauth.processPushedAuthorizationResponse(as, oclient, response),
    );
    assert.equal(nonces.count(), 1, "PAR was answered use_dpop_nonce once");
    const authorize = new URL(as.authorization_endpoint!);
    authorize.search = new URLSearchParams({ client_id: s.app.client_id, request_uri: pushed.request_uri }).toString();
    const callback = oauth.validateAuthResponse(as, oclient, await s.signIn(authorize), oauth.expectNoState);
    const tokens = await withNonceRetry(
      () => oauth.authorizationCodeGrantRequest(as, oclient, oauth.None(), callback, CB, verifier, { DPoP, ...options }),
      (response) => oauth.processAuthorizationCodeResponse(as, oclient, response),
    );
    assert.equal(tokens.token_type, "dpop");
    const sub = oauth.getValidatedIdTokenClaims(tokens)!.sub;
    const userinfo = await withNonceRetry(
      () => oauth.userInfoRequest(as, oclient, tokens.access_token, { DPoP, ...options }),
      (response) => oauth.processUserInfoResponse(as, oclient, sub, response),
    );
    assert.equal(userinfo.name, "Dana");
    const bearer = await oauth.userInfoRequest(as, oclient, tokens.access_token, insecure);
    assert.equal(bearer.status, 401, "the DPoP-bound token sent as Bearer is refused");
    assert.match(bearer.headers.get("www-authenticate") ?? "", /^DPoP error="invalid_token"/);
  });

  test("client_credentials for a confidential client with an EdDSA key", async () => {
    const machine = await s.t.createClient({ grant_types: ["client_credentials"] });
    const issuer = new URL(s.t.issuer);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const oclient: oauth.Client = { client_id: machine.client_id };
    const DPoP = oauth.DPoP(oclient, await oauth.generateKeyPair("EdDSA"));
    const tokens = await withNonceRetry(
      () => oauth.clientCredentialsGrantRequest(as, oclient, oauth.ClientSecretBasic(machine.client_secret!), {}, { DPoP, ...insecure }),
      (response) => oauth.processClientCredentialsResponse(as, oclient, response),
    );
    assert.equal(tokens.token_type, "dpop");
    assert.equal(((await s.introspect(tokens.access_token)).cnf as { jkt: string }).jkt.length, 43);
  });
});
