import "reflect-metadata";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import * as oauth from "oauth4webapi";
import { firstPartyPlugins } from "../../../plugins/index.js";
import type { AuthorizationDelivery, AuthorizationRequest, AuthorizedUser, ResponseMode } from "../../../src/core/authorize/authorization-request.js";
import { AuthorizationResponder } from "../../../src/core/authorize/authorization-responder.js";
import { JARM_TTL, JarmEncoder } from "../../../src/core/authorize/jarm.encoder.js";
import { AUTHORIZATION_RESPONSE_TYPES, defaultResponseMode, returnsTokens } from "../../../src/core/authorize/response-types.js";
import { AuthorizationCodeService } from "../../../src/core/codes/authorization-code.service.js";
import { DI } from "../../../src/core/di-tokens.js";
import { PushedRequestService } from "../../../src/core/par/pushed-request.service.js";
import { SessionManager } from "../../../src/core/sessions/session-manager.js";
import { UNBOUND } from "../../../src/plugin-sdk/sender-binding.js";
import { UserService } from "../../../src/core/users/user.service.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { OAuthErrors } from "../../../src/plugin-sdk/errors.js";
import { ExtensionPoints, type ClaimsProvider, type PluginModule } from "../../../src/plugin-sdk/index.js";
import { FakeClock } from "../../support/fake-clock.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

const REDIRECT = "https://rp.example.test/cb";
// RFC 7636 Appendix B.
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const NONCE = "n-0S6_WzA2Mj";
const STATE = "af0ifjsldkj";
const insecure = { [oauth.allowInsecureRequests]: true };

/** Independent at_hash/c_hash (OIDC Core §3.3.2.11): left half of the SHA-256 of the ASCII value, base64url. */
const halfSha256 = (value: string) => createHash("sha256").update(Buffer.from(value, "ascii")).digest().subarray(0, 16).toString("base64url");

/** A provider that answers only for userinfo: its claims reach an ID token only when no access token is issued (OIDC Core §5.4). */
const userinfoOnly: PluginModule = {
  id: "claims.userinfo-only",
  apiVersion: 1,
  register: (host) =>
    host.contribute(ExtensionPoints.claimsProviders, {
      id: "userinfo-only",
      global: true,
      claims: async (request) => (request.target === "userinfo" && request.scopes.includes("profile") ? { locale: "de-CH" } : {}),
    } satisfies ClaimsProvider),
};

/**
 * AuthorizationResponder (RFC 6749 §4.1.2, §4.2.2; OIDC Core §3.1.2.5, §3.2.2.5, §3.3.2.5; RFC 9207; JARM; RFC 9126
 * §7.3): every response type and mode, signatures and hashes checked independently, JARM validated by oauth4webapi.
 */
describe("AuthorizationResponder", () => {
  let t: TestApp;
  const clock = new FakeClock(Date.now());
  let responder: AuthorizationResponder;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let as: oauth.AuthorizationServer;
  let rsClient: Client;
  let esClient: Client;
  let user: AuthorizedUser;

  const registerClient = async (metadata: Record<string, unknown>): Promise<Client> => {
    const registered = await t.createClient({
      redirect_uris: [REDIRECT],
      grant_types: ["authorization_code", "implicit"],
      response_types: [...AUTHORIZATION_RESPONSE_TYPES],
      scope: "openid profile email",
      ...metadata,
    });
    return (await t.app.container.resolve(DI.Durable).clients.find(registered.client_id))!;
  };

  before(async () => {
    t = await startTestApp({}, { clock, plugins: [...firstPartyPlugins, userinfoOnly] });
    responder = t.app.container.resolve(AuthorizationResponder);
    jwks = createRemoteJWKSet(new URL(`${t.publicUrl}/jwks`));
    as = await oauth.processDiscoveryResponse(new URL(t.issuer), await oauth.discoveryRequest(new URL(t.issuer), { algorithm: "oidc", ...insecure }));
    rsClient = await registerClient({});
    esClient = await registerClient({ id_token_signed_response_alg: "ES256", authorization_signed_response_alg: "ES256" });
    const alice = await t.app.container.resolve(UserService).create({ username: "alice", password: "correct horse battery", name: "Alice" });
    const authTime = Math.floor(clock.now() / 1000) - 30;
    const { session } = await t.app.container.resolve(SessionManager).start({ userId: alice.id, authTime, amr: ["pwd", "otp"], acr: "urn:portcullis:acr:mfa" });
    user = { userId: alice.id, sessionId: session.id, authTime, acr: "urn:portcullis:acr:mfa", amr: ["pwd", "otp"], scopes: ["openid", "profile"] };
  });
  after(() => t.stop());

  /** A validated request as the request validator hands it over. */
  const request = (client: Client, responseType: string, overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest => ({
    client,
    redirectUri: REDIRECT,
    redirectUriParam: REDIRECT,
    responseType,
    responseMode: defaultResponseMode(responseType),
    returnsTokens: returnsTokens(responseType),
    state: STATE,
    scopes: ["openid", "profile"],
    resources: [],
    openid: true,
    nonce: NONCE,
    prompt: new Set(),
    acrValues: [],
    uiLocales: [],
    codeChallenge: CHALLENGE,
    codeChallengeMethod: "S256",
    ...overrides,
  });
  const verifyIdToken = async (token: string, client: Client) => {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: t.issuer, audience: client.clientId, currentDate: new Date(clock.now()) });
    assert.equal(protectedHeader.alg, client.metadata.id_token_signed_response_alg ?? "RS256");
    return payload;
  };
  /** The decoded JARM claims after jose verified the signature with our /jwks. */
  const verifyJarm = async (delivery: AuthorizationDelivery, client: Client) => {
    assert.deepEqual(Object.keys(delivery.params), ["response"]);
    const { payload, protectedHeader } = await jwtVerify(delivery.params.response!, jwks, { issuer: t.issuer, audience: client.clientId, currentDate: new Date(clock.now()) });
    assert.equal(protectedHeader.alg, client.metadata.authorization_signed_response_alg ?? "RS256");
    return payload;
  };
  /** oauth4webapi's JARM validation (JARM §4.1): signature from /jwks, iss, aud, exp, alg, then state and iss. */
  const validateWithOauth4webapi = (delivery: AuthorizationDelivery, client: Client, state: string = STATE) =>
    oauth.validateJwtAuthResponse(
      as,
      { client_id: client.clientId, ...(client.metadata.authorization_signed_response_alg ? { authorization_signed_response_alg: client.metadata.authorization_signed_response_alg } : {}) },
      new URLSearchParams(delivery.params),
      state,
      insecure,
    );

  test("code (query): code, state and iss only; the code carries every binding; the client is recorded in the session", async () => {
    const claims = { id_token: { email: null }, userinfo: { name: { essential: true } } };
    const delivery = await responder.success(request(rsClient, "code", { claims }), user);
    assert.equal(delivery.mode, "query");
    assert.equal(delivery.redirectUri, REDIRECT);
    assert.deepEqual(Object.keys(delivery.params).sort(), ["code", "iss", "state"]);
    assert.equal(delivery.params.state, STATE);
    assert.equal(delivery.params.iss, t.issuer);
    const redeemed = await t.app.container.resolve(AuthorizationCodeService).redeem(delivery.params.code!, {
      clientId: rsClient.clientId,
      redirectUri: REDIRECT,
      codeVerifier: VERIFIER,
      publicClient: false,
      sender: UNBOUND,
    });
    assert.deepEqual(
      { ...redeemed, handle: undefined },
      {
        subject: user.userId,
        scopes: ["openid", "profile"],
        resources: [],
        claims: {},
        nonce: NONCE,
        authTime: user.authTime,
        sessionId: user.sessionId,
        acr: user.acr,
        amr: user.amr,
        requestedClaims: claims,
        handle: undefined,
      },
    );
    assert.deepEqual(await t.app.container.resolve(SessionManager).clientIds(user.sessionId), [rsClient.clientId]);
  });

  test("no state parameter when the request had none; iss always", async () => {
    const delivery = await responder.success(request(rsClient, "code", { state: undefined }), user);
    assert.deepEqual(Object.keys(delivery.params).sort(), ["code", "iss"]);
  });

  for (const alg of ["RS256", "ES256"] as const) {
    const clientFor = () => (alg === "RS256" ? rsClient : esClient);
    const checkIdToken = async (idToken: string, expected: { code?: string; accessToken?: string }) => {
      const claims = await verifyIdToken(idToken, clientFor());
      assert.equal(claims.nonce, NONCE);
      assert.equal(claims.sub, user.userId);
      assert.equal(claims.auth_time, user.authTime);
      assert.equal(claims.acr, user.acr);
      assert.deepEqual(claims.amr, user.amr);
      assert.equal(claims.sid, user.sessionId);
      assert.equal(claims.c_hash, expected.code === undefined ? undefined : halfSha256(expected.code));
      assert.equal(claims.at_hash, expected.accessToken === undefined ? undefined : halfSha256(expected.accessToken));
      return claims;
    };
    const checkAccessToken = async (params: Record<string, string>) => {
      assert.equal(params.token_type, "Bearer");
      assert.equal(params.expires_in, String(t.app.container.resolve(DI.Config).accessTokenTtl));
      assert.equal(params.scope, "openid profile");
      assert.equal(params.refresh_token, undefined);
      const { payload } = await jwtVerify(params.access_token!, jwks, { issuer: t.issuer, currentDate: new Date(clock.now()) });
      assert.equal(payload.sub, user.userId);
      assert.equal(payload.client_id, clientFor().clientId);
      assert.equal(payload.scope, "openid profile");
    };

    test(`${alg}: id_token (fragment) with nonce and the scope claims, no at_hash or c_hash`, async () => {
      const delivery = await responder.success(request(clientFor(), "id_token"), user);
      assert.equal(delivery.mode, "fragment");
      assert.deepEqual(Object.keys(delivery.params).sort(), ["id_token", "iss", "state"]);
      const claims = await checkIdToken(delivery.params.id_token!, {});
      assert.equal(claims.locale, "de-CH", "OIDC Core §5.4: no access token, so the scope claims are in the ID token");
      assert.equal(claims.name, "Alice");
    });

    test(`${alg}: code id_token (fragment and form_post) with a c_hash of the returned code`, async () => {
      for (const mode of ["fragment", "form_post"] as const) {
        const delivery = await responder.success(request(clientFor(), "code id_token", { responseMode: mode }), user);
        assert.equal(delivery.mode, mode);
        assert.deepEqual(Object.keys(delivery.params).sort(), ["code", "id_token", "iss", "state"]);
        const claims = await checkIdToken(delivery.params.id_token!, { code: delivery.params.code! });
        assert.equal(claims.locale, undefined, "an access token can fetch the scope claims from userinfo");
      }
    });

    test(`${alg}: id_token token with an at_hash of the implicit access token and no refresh token`, async () => {
      const delivery = await responder.success(request(clientFor(), "id_token token"), user);
      assert.equal(delivery.mode, "fragment");
      assert.deepEqual(Object.keys(delivery.params).sort(), ["access_token", "expires_in", "id_token", "iss", "scope", "state", "token_type"]);
      await checkAccessToken(delivery.params);
      await checkIdToken(delivery.params.id_token!, { accessToken: delivery.params.access_token! });
    });

    test(`${alg}: code id_token token with both c_hash and at_hash`, async () => {
      const delivery = await responder.success(request(clientFor(), "code id_token token", { responseMode: "form_post" }), user);
      assert.equal(delivery.mode, "form_post");
      assert.deepEqual(Object.keys(delivery.params).sort(), ["access_token", "code", "expires_in", "id_token", "iss", "scope", "state", "token_type"]);
      await checkAccessToken(delivery.params);
      await checkIdToken(delivery.params.id_token!, { code: delivery.params.code!, accessToken: delivery.params.access_token! });
    });

    test(`${alg}: code token returns a code and an access token, no ID token`, async () => {
      const delivery = await responder.success(request(clientFor(), "code token"), user);
      assert.equal(delivery.mode, "fragment");
      assert.deepEqual(Object.keys(delivery.params).sort(), ["access_token", "code", "expires_in", "iss", "scope", "state", "token_type"]);
      await checkAccessToken(delivery.params);
    });
  }

  test("failure() in every plain mode: error, error_description, state and iss (RFC 6749 §4.1.2.1, RFC 9207)", async () => {
    for (const mode of ["query", "fragment", "form_post"] as const) {
      const target = { client: rsClient, redirectUri: REDIRECT, responseMode: mode, state: STATE, returnsTokens: mode !== "query" };
      const delivery = await responder.failure(target, OAuthErrors.accessDenied("the end-user denied the request"));
      assert.deepEqual(delivery, {
        redirectUri: REDIRECT,
        mode,
        params: { error: "access_denied", error_description: "the end-user denied the request", state: STATE, iss: t.issuer },
      });
    }
    const bare = await responder.failure({ client: rsClient, redirectUri: REDIRECT, responseMode: "query", returnsTokens: false }, OAuthErrors.loginRequired());
    assert.deepEqual(bare.params, { error: "login_required", iss: t.issuer });
  });

  describe("JARM (corpus J61)", () => {
    const modes: [ResponseMode, string, AuthorizationDelivery["mode"]][] = [
      ["jwt", "code", "query"],
      ["query.jwt", "code", "query"],
      ["fragment.jwt", "code", "fragment"],
      ["form_post.jwt", "code", "form_post"],
    ];
    for (const [responseMode, responseType, deliveredAs] of modes) {
      for (const alg of ["ES256", "RS256"] as const) {
        test(`${responseMode} success with the ${alg === "ES256" ? "registered ES256" : "default RS256"} alg, validated by oauth4webapi`, async () => {
          const client = alg === "ES256" ? esClient : rsClient;
          const delivery = await responder.success(request(client, responseType, { responseMode }), user);
          assert.equal(delivery.mode, deliveredAs);
          assert.equal(decodeProtectedHeader(delivery.params.response!).alg, alg);
          const claims = await verifyJarm(delivery, client);
          assert.deepEqual(Object.keys(claims).sort(), ["aud", "code", "exp", "iat", "iss", "state"]);
          assert.equal(claims.aud, client.clientId);
          assert.ok(claims.exp! - Math.floor(clock.now() / 1000) <= 600, "exp at most 10 minutes ahead");
          assert.equal(claims.exp! - claims.iat!, JARM_TTL);
          const params = await validateWithOauth4webapi(delivery, client);
          assert.equal(params.get("code"), claims.code);
          assert.equal(params.get("state"), STATE);
          assert.equal(params.get("iss"), t.issuer);
        });
      }

      test(`${responseMode} error as a signed JWT: oauth4webapi reports access_denied`, async () => {
        const target = { client: esClient, redirectUri: REDIRECT, responseMode, state: STATE, returnsTokens: false };
        const delivery = await responder.failure(target, OAuthErrors.accessDenied("the end-user denied the request"));
        assert.equal(delivery.mode, deliveredAs);
        const claims = await verifyJarm(delivery, esClient);
        assert.deepEqual(
          { ...claims, exp: undefined, iat: undefined },
          { iss: t.issuer, aud: esClient.clientId, error: "access_denied", error_description: "the end-user denied the request", state: STATE, exp: undefined, iat: undefined },
        );
        await assert.rejects(validateWithOauth4webapi(delivery, esClient), (error: unknown) => {
          assert.ok(error instanceof oauth.AuthorizationResponseError);
          assert.equal(error.error, "access_denied");
          assert.equal(error.error_description, "the end-user denied the request");
          return true;
        });
      });
    }

    test("jwt with a response type returning tokens is delivered in the fragment; hybrid parameters are all inside the JWT", async () => {
      const delivery = await responder.success(request(esClient, "code id_token", { responseMode: "jwt" }), user);
      assert.equal(delivery.mode, "fragment");
      const claims: JWTPayload = await verifyJarm(delivery, esClient);
      assert.deepEqual(Object.keys(claims).sort(), ["aud", "code", "exp", "iat", "id_token", "iss", "state"]);
      const idToken = await verifyIdToken(claims.id_token as string, esClient);
      assert.equal(idToken.c_hash, halfSha256(claims.code as string));
      const failure = await responder.failure({ client: esClient, redirectUri: REDIRECT, responseMode: "jwt", state: STATE, returnsTokens: true }, OAuthErrors.loginRequired());
      assert.equal(failure.mode, "fragment");
    });

    test("never unsigned: a stored alg of none (refused at registration) fails instead of producing an unsigned JWT", () => {
      const legacy: Client = { clientId: "legacy", metadata: { authorization_signed_response_alg: "none" }, issuedAt: 0, updatedAt: 0 };
      assert.throws(() => t.app.container.resolve(JarmEncoder).encode(legacy, { code: "x" }), /authorization_signed_response_alg "none" is not supported/);
    });

    test("a client expecting its registered alg rejects a response signed with another one", async () => {
      const delivery = await responder.success(request(rsClient, "code", { responseMode: "query.jwt" }), user);
      await assert.rejects(
        oauth.validateJwtAuthResponse(as, { client_id: rsClient.clientId, authorization_signed_response_alg: "ES256" }, new URLSearchParams(delivery.params), STATE, insecure),
        /unexpected JWT "alg" header parameter/,
      );
    });
  });

  test("a pushed request is consumed by its completion: a second success is invalid_request_uri, before any code is issued (corpus S105)", async () => {
    const pushed = t.app.container.resolve(PushedRequestService);
    const { requestUri } = await pushed.push(rsClient.clientId, { response_type: "code", client_id: rsClient.clientId });
    const par = request(rsClient, "code", { pushedRequestUri: requestUri });
    const first = await responder.success(par, user);
    assert.ok(first.params.code);
    await assert.rejects(responder.success(par, user), { name: "OAuthError", error: "invalid_request_uri" });
    await assert.rejects(pushed.load(requestUri, rsClient.clientId), { error: "invalid_request_uri" });
    const other = await pushed.push(esClient.clientId, { response_type: "code", client_id: esClient.clientId });
    await assert.rejects(responder.success(request(rsClient, "code", { pushedRequestUri: other.requestUri }), user), { error: "invalid_request_uri" });
    assert.ok(await pushed.load(other.requestUri, esClient.clientId), "another client's request_uri is not consumed");
  });

  test("discovery advertises the response modes, JARM algs (never none) and the iss parameter (RFC 8414 §2, JARM §3, RFC 9207 §3)", async () => {
    assert.deepEqual(as.response_modes_supported, ["query", "fragment", "form_post", "jwt", "query.jwt", "fragment.jwt", "form_post.jwt"]);
    assert.deepEqual(as.authorization_signing_alg_values_supported, ["RS256", "ES256"]);
    assert.equal(as.authorization_response_iss_parameter_supported, true);
  });
});
