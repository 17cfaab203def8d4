import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TokenIssuer } from "../../../src/core/tokens/token-issuer.js";
import { TrustedIssuerService } from "../../../src/core/trust/trusted-issuer.service.js";
import { signAssertion, testKey } from "../../support/jwt-bearer-fixtures.js";
import { DI } from "../../../src/core/di-tokens.js";
import { TokenTypes } from "../../../src/plugin-sdk/index.js";
import { actor, API, assertError, GRANT, OTHER, payloadOf, startExchangeFixture, subject, type ExchangeFixture } from "./token-exchange-fixture.js";

/** RFC 8693 token exchange end to end: impersonation, delegation, requested token types, audiences and the revocation cascade. */
describe("token exchange over HTTP", () => {
  let f: ExchangeFixture;
  before(async () => {
    f = await startExchangeFixture();
  });
  after(() => f.t.stop());

  it("is advertised in grant_types_supported", async () => {
    const metadata = (await (await fetch(`${f.t.issuer}/.well-known/oauth-authorization-server`)).json()) as { grant_types_supported: string[] };
    assert.ok(metadata.grant_types_supported.includes(GRANT));
  });

  it("impersonation: a user's access token becomes a narrower one for another audience, of the same grant", async () => {
    const user = await f.userTokens();
    const body = await f.exchanged(f.gateway, { ...subject(user.access_token), scope: "api:read", audience: API });
    assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in", "issued_token_type", "scope", "token_type"]);
    assert.deepEqual([body.issued_token_type, body.token_type, body.scope], [TokenTypes.accessToken, "Bearer", "api:read"]);
    const claims = payloadOf(body.access_token);
    const original = payloadOf(user.access_token);
    assert.deepEqual([claims.sub, claims.client_id, claims.aud, claims.act, claims.gid], [f.userId, f.gateway.client_id, API, undefined, original.gid]);
    assert.equal((await f.introspect(body.access_token)).active, true);
  });

  it("delegation: the actor token's subject becomes act, visible at introspection", async () => {
    const user = await f.userTokens();
    const gatewayToken = await f.clientToken(f.gateway);
    const body = await f.exchanged(f.gateway, { ...subject(user.access_token), ...actor(gatewayToken), audience: API, scope: "api:read" });
    assert.deepEqual(payloadOf(body.access_token).act, { sub: f.gateway.client_id });
    const introspected = await f.introspect(body.access_token);
    assert.deepEqual([introspected.sub, introspected.act], [f.userId, { sub: f.gateway.client_id }]);
  });

  it("a delegated token delegated again nests the chain; an audience naming a client puts its client_id in aud", async () => {
    const user = await f.userTokens();
    const first = await f.exchanged(f.gateway, { ...subject(user.access_token), ...actor(await f.clientToken(f.gateway)), audience: f.svcB.client_id, scope: "api:read" });
    assert.equal(payloadOf(first.access_token).aud, f.svcB.client_id);
    const second = await f.exchanged(f.svcB, { ...subject(first.access_token), ...actor(await f.clientToken(f.svcB)), resource: OTHER });
    const claims = payloadOf(second.access_token);
    assert.deepEqual([claims.sub, claims.aud, claims.scope], [f.userId, OTHER, undefined]);
    assert.deepEqual(claims.act, { sub: f.svcB.client_id, act: { sub: f.gateway.client_id } });
  });

  it("a delegated token exchanged without an actor keeps its act: delegation never turns into impersonation", async () => {
    const delegated = await f.exchanged(f.gateway, { ...subject(await f.clientToken(f.machine, "api:read")), ...actor(await f.clientToken(f.gateway)), audience: API });
    const again = await f.exchanged(f.gateway, { ...subject(delegated.access_token), audience: API });
    assert.deepEqual(payloadOf(again.access_token).act, { sub: f.gateway.client_id });
  });

  it("may_act names who may act for the subject: that actor passes, another is refused", async () => {
    const client = (await f.t.app.container.resolve(DI.ClientRegistry).get(f.machine.client_id))!;
    const { response } = await f.t.app.container.resolve(TokenIssuer).issue(client, "test", { access: { scopes: ["api:read"], resources: [API] }, claims: { may_act: { sub: f.svcB.client_id } } });
    const allowed = await f.exchanged(f.svcB, { ...subject(response.access_token), ...actor(await f.clientToken(f.svcB)), resource: OTHER });
    assert.deepEqual(payloadOf(allowed.access_token).act, { sub: f.svcB.client_id });
    const refused = await f.exchange(f.gateway, { ...subject(response.access_token), ...actor(await f.clientToken(f.gateway)), audience: API });
    await assertError(refused, 400, "invalid_request", "the actor is not one the subject_token's may_act allows");
  });

  it("requested_token_type refresh_token: an access token plus a refresh token whose refreshes keep act", async () => {
    const user = await f.userTokens();
    const body = await f.exchanged(f.gateway, { ...subject(user.access_token), ...actor(await f.clientToken(f.gateway)), requested_token_type: TokenTypes.refreshToken, audience: API });
    assert.equal(body.issued_token_type, TokenTypes.accessToken, "access_token holds an access token (RFC 8693 §2.2.1)");
    assert.ok(body.refresh_token);
    const refreshed = await f.token(f.gateway, { grant_type: "refresh_token", refresh_token: body.refresh_token! });
    assert.equal(refreshed.status, 200, await refreshed.clone().text());
    const claims = payloadOf(((await refreshed.json()) as { access_token: string }).access_token);
    assert.deepEqual([claims.sub, claims.client_id, claims.act], [f.userId, f.gateway.client_id, { sub: f.gateway.client_id }]);
    assert.notEqual(claims.gid, payloadOf(user.access_token).gid, "a grant of its own, derived from the user's");
  });

  it("requested_token_type refresh_token is refused to a client whose policy does not allow it", async () => {
    const res = await f.exchange(f.limited, { ...subject(await f.clientToken(f.machine, "api:read")), requested_token_type: TokenTypes.refreshToken, audience: API });
    await assertError(res, 400, "invalid_request", "refresh tokens are not allowed for this client's exchanges");
  });

  it("requested_token_type jwt: an RFC 9068 JWT access token even for a client registered for opaque ones", async () => {
    const opaque = await f.t.createClient({ grant_types: [GRANT], access_token_format: "opaque", token_exchange: { audiences: [API], impersonation: true } });
    const source = await f.clientToken(f.machine, "api:read");
    const plain = await f.exchanged(opaque, { ...subject(source), audience: API });
    assert.equal(plain.access_token.split(".").length, 1);
    const jwt = await f.exchanged(opaque, { ...subject(source), audience: API, requested_token_type: TokenTypes.jwt });
    assert.equal(jwt.issued_token_type, TokenTypes.jwt);
    assert.equal(payloadOf(jwt.access_token).client_id, opaque.client_id);
  });

  it("refresh and ID tokens are exchanged too; an ID token carries no scopes, so neither does its exchange", async () => {
    const own = await f.exchanged(f.gateway, { ...subject((await f.userTokens()).access_token), requested_token_type: TokenTypes.refreshToken, audience: API });
    const fromRefresh = await f.exchanged(f.gateway, { ...subject(own.refresh_token!, TokenTypes.refreshToken), audience: API, scope: "api:read" });
    assert.equal(payloadOf(fromRefresh.access_token).sub, f.userId);
    const user = await f.userTokens();
    const fromIdToken = await f.exchanged(f.gateway, { ...subject(user.id_token!, TokenTypes.idToken) });
    const claims = payloadOf(fromIdToken.access_token);
    assert.deepEqual([claims.sub, claims.aud, claims.scope, fromIdToken.scope], [f.userId, f.t.issuer, undefined, undefined]);
  });

  it("revoking the subject's grant revokes everything exchanged from it, down the chain", async () => {
    const user = await f.userTokens();
    const accessOnly = await f.exchanged(f.gateway, { ...subject(user.access_token), audience: API });
    const withRefresh = await f.exchanged(f.gateway, { ...subject(user.access_token), requested_token_type: TokenTypes.refreshToken, audience: API });
    const fromChild = await f.exchanged(f.gateway, { ...subject(withRefresh.refresh_token!, TokenTypes.refreshToken), requested_token_type: TokenTypes.refreshToken, audience: API });
    for (const token of [accessOnly.access_token, withRefresh.access_token, fromChild.access_token]) assert.equal((await f.introspect(token)).active, true);

    await f.revoke(f.frontend, user.refresh_token!);
    for (const token of [user.access_token, accessOnly.access_token, withRefresh.access_token, withRefresh.refresh_token!, fromChild.access_token, fromChild.refresh_token!]) {
      assert.deepEqual(await f.introspect(token), { active: false });
    }
    const refresh = await f.token(f.gateway, { grant_type: "refresh_token", refresh_token: fromChild.refresh_token! });
    assert.equal(refresh.status, 400);
    const again = await f.exchange(f.gateway, { ...subject(accessOnly.access_token), audience: API });
    await assertError(again, 400, "invalid_request", "subject_token is invalid, expired or revoked");
  });

  it("revoking an exchanged refresh token revokes its own grant, not the subject's", async () => {
    const user = await f.userTokens();
    const exchanged = await f.exchanged(f.gateway, { ...subject(user.access_token), requested_token_type: TokenTypes.refreshToken, audience: API });
    await f.revoke(f.gateway, exchanged.refresh_token!);
    assert.equal((await f.introspect(exchanged.access_token)).active, false);
    assert.equal((await f.introspect(user.access_token)).active, true);
  });
});

/** `jwt` subject and actor tokens (RFC 8693 §3) from an issuer the operator trusts for token exchange. */
describe("token exchange of JWTs from a trusted issuer", () => {
  const IDP = "https://idp.example.org";
  const ROBOTS = "https://robots.example.org";
  const idpKey = testKey("ES256");
  let f: ExchangeFixture;
  let partner: { client_id: string; client_secret?: string };
  let stranger: { client_id: string; client_secret?: string };
  const idpJwt = (claims: Record<string, unknown>) => {
    const now = Math.floor(Date.now() / 1000);
    return signAssertion(idpKey, { iss: IDP, sub: "ivy", aud: f.t.issuer, now }, claims);
  };
  before(async () => {
    f = await startExchangeFixture();
    const policy = { audiences: [API], impersonation: true, delegation: true, subject_token_types: [TokenTypes.jwt, TokenTypes.accessToken], actor_token_types: [TokenTypes.jwt, TokenTypes.accessToken] };
    partner = await f.t.createClient({ grant_types: [GRANT], token_exchange: policy });
    stranger = await f.t.createClient({ grant_types: [GRANT], token_exchange: policy });
    await f.t.app.container.resolve(TrustedIssuerService).put({ issuer: IDP, uses: ["token-exchange"], allowedClients: [partner.client_id], subjectMapping: "username", jwks: { keys: [idpKey.publicJwk] } });
  });
  after(() => f.t.stop());

  it("impersonation: the mapped local user becomes the subject, scopes bounded by the JWT's scope claim", async () => {
    const body = await f.exchanged(partner, { ...subject(await idpJwt({ scope: "api:read" }), TokenTypes.jwt), audience: API, scope: "api:read" });
    assert.equal(body.issued_token_type, TokenTypes.accessToken);
    assert.deepEqual([payloadOf(body.access_token).sub, payloadOf(body.access_token).scope], [f.userId, "api:read"]);
    const wider = await f.exchange(partner, { ...subject(await idpJwt({ scope: "api:read" }), TokenTypes.jwt), audience: API, scope: "api:write" });
    assert.equal(((await wider.json()) as { error: string }).error, "invalid_scope");
  });

  it("delegation by an outside actor: act names its sub and, under pass-through mapping, its iss", async () => {
    const user = await f.userTokens();
    const mapped = await f.exchanged(partner, { ...subject(user.access_token), ...actor(await idpJwt({}), TokenTypes.jwt), audience: API, scope: "api:read" });
    assert.deepEqual(payloadOf(mapped.access_token).act, { sub: f.userId }, "a mapped actor is a local user");
    await f.t.app.container.resolve(TrustedIssuerService).put({ issuer: ROBOTS, uses: ["token-exchange"], allowedClients: [partner.client_id], subjectMapping: "pass-through", jwks: { keys: [idpKey.publicJwk] } });
    const now = Math.floor(Date.now() / 1000);
    const robot = await signAssertion(idpKey, { iss: ROBOTS, sub: "robot-7", aud: f.t.issuer, now });
    const outside = await f.exchanged(partner, { ...subject(user.access_token), ...actor(robot, TokenTypes.jwt), audience: API, scope: "api:read" });
    assert.deepEqual(payloadOf(outside.access_token).act, { sub: "robot-7", iss: ROBOTS });
  });

  it("a client the issuer does not trust, an audience elsewhere, or an expired JWT → 400 invalid_request", async () => {
    const jwt = await idpJwt({});
    await assertError(await f.exchange(stranger, { ...subject(jwt, TokenTypes.jwt), audience: API }), 400, "invalid_request", "subject_token rejected: the issuer is not trusted for this client");
    await assertError(await f.exchange(partner, { ...subject(await idpJwt({ aud: "https://elsewhere.example" }), TokenTypes.jwt), audience: API }), 400, "invalid_request", "subject_token rejected: aud does not name this server");
    await assertError(await f.exchange(partner, { ...subject(await idpJwt({ exp: 1 }), TokenTypes.jwt), audience: API }), 400, "invalid_request", "subject_token rejected: exp is in the past");
  });
});
