import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { AuthorizationCodeService, type CodeGrant } from "../../src/core/codes/authorization-code.service.js";
import { DI } from "../../src/core/di-tokens.js";
import { secretDigest } from "../../src/core/security/digest.js";
import { UserService } from "../../src/core/users/user.service.js";
import type { ClientMetadata } from "../../src/plugin-sdk/client.js";
import { FakeClock } from "../support/fake-clock.js";
import { basic, startTestApp } from "../support/test-app.js";

/**
 * ID tokens at the token endpoint (OIDC Core §3.1.3.3, §12.2) and the UserInfo endpoint (OIDC Core §5.3, RFC 6750;
 * corpus K66 and the userinfo part of C16). Codes are issued by the core service, as /authorize does.
 */
const REDIRECT = "https://app.example.test/cb";
const API = "https://api.example.test/";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

type TokenBody = { access_token: string; refresh_token?: string; id_token?: string; error?: string };
interface Rp {
  id: string;
  secret: string;
}

/** A started app (first-party plugins, so authorization_code too), a user and helpers to get tokens for a client. */
async function openIdApp(clock: FakeClock, settings: Parameters<typeof startTestApp>[0] = {}) {
  const t = await startTestApp(settings, { clock });
  await t.createResource(API, "api:read");
  const users = t.app.container.resolve(UserService);
  const alice = await users.create({ username: "alice", password: "correct horse battery", email: "alice@example.com", name: "Alice Liddell" });
  const codes = t.app.container.resolve(AuthorizationCodeService);
  const durable = t.app.container.resolve(DI.Durable);
  const insertClient = async (metadata: ClientMetadata = {}): Promise<Rp> => {
    const id = `rp-${randomUUID()}`;
    const secret = randomBytes(32).toString("base64url");
    await durable.clients.insert({
      clientId: id,
      metadata: { grant_types: ["authorization_code", "refresh_token"], redirect_uris: [REDIRECT], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic", ...metadata },
      secretDigest: secretDigest(secret),
      issuedAt: Math.floor(clock.now() / 1000),
      updatedAt: clock.now(),
    });
    return { id, secret };
  };
  const issue = (rp: Rp, overrides: Partial<CodeGrant> = {}) =>
    codes.issue({ clientId: rp.id, redirectUri: REDIRECT, subject: alice.id, scopes: ["openid"], resources: [API], codeChallenge: CHALLENGE, codeChallengeMethod: "S256", ...overrides });
  const redeem = (rp: Rp, code: string) => t.postForm("/token", { grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER }, basic(rp.id, rp.secret));
  const tokens = async (rp: Rp, overrides: Partial<CodeGrant> = {}) => {
    const res = await redeem(rp, await issue(rp, overrides));
    assert.equal(res.status, 200);
    return (await res.json()) as TokenBody;
  };
  return { t, alice, durable, insertClient, issue, redeem, tokens };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe("ID tokens at the token endpoint (OIDC Core §3.1.3.3, §12.2)", () => {
  const clock = new FakeClock();
  let s: Awaited<ReturnType<typeof openIdApp>>;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  before(async () => {
    s = await openIdApp(clock);
    jwks = createRemoteJWKSet(new URL(`${s.t.publicUrl}/jwks`));
  });
  after(() => s.t.stop());

  const verify = async (idToken: string, rp: Rp) => (await jwtVerify(idToken, jwks, { issuer: s.t.issuer, audience: rp.id, currentDate: new Date(clock.now()) })).payload;

  test("a code with openid returns a verifiable id_token: nonce, auth_time, acr, amr, sid, at_hash, claims request", async () => {
    const rp = await s.insertClient();
    const authTime = Math.floor(clock.now() / 1000) - 30;
    const body = await s.tokens(rp, {
      nonce: "n-0S6_WzA2Mj",
      authTime,
      sessionId: "sid-1",
      acr: "urn:portcullis:acr:mfa",
      amr: ["pwd", "otp"],
      requestedClaims: { id_token: { email: { essential: true } } },
    });
    assert.ok(body.id_token);
    const claims = await verify(body.id_token, rp);
    assert.equal(claims.sub, s.alice.id);
    assert.equal(claims.nonce, "n-0S6_WzA2Mj");
    assert.equal(claims.auth_time, authTime);
    assert.equal(claims.acr, "urn:portcullis:acr:mfa");
    assert.deepEqual(claims.amr, ["pwd", "otp"]);
    assert.equal(claims.sid, "sid-1");
    assert.equal(claims.azp, rp.id);
    assert.equal(typeof claims.at_hash, "string");
    assert.equal(claims.email, "alice@example.com", "requested individually through the claims parameter");
    assert.equal("name" in claims, false, "profile was not granted nor requested");
    const access = decodeJwt(body.access_token);
    assert.equal(access.sub, s.alice.id);
    for (const name of ["_oidc", "auth_time", "acr", "amr", "nonce"]) assert.equal(name in access, false, name);
  });

  test("no id_token without the openid scope", async () => {
    const rp = await s.insertClient();
    const body = await s.tokens(rp, { scopes: ["api:read"] });
    assert.equal(body.id_token, undefined);
  });

  test("profile and email scopes put the user's standard claims in the ID token", async () => {
    const rp = await s.insertClient();
    const claims = await verify((await s.tokens(rp, { scopes: ["openid", "profile", "email"] })).id_token!, rp);
    assert.equal(claims.name, "Alice Liddell");
    assert.equal(claims.preferred_username, "alice");
    assert.equal(claims.email, "alice@example.com");
    assert.equal(claims.email_verified, false);
  });

  test("a refresh of an openid grant returns an id_token with the same sub and original auth_time, without nonce", async () => {
    const rp = await s.insertClient();
    const authTime = Math.floor(clock.now() / 1000) - 5;
    const first = await s.tokens(rp, { scopes: ["openid", "offline_access"], nonce: "n-1", authTime, acr: "urn:portcullis:acr:pwd", amr: ["pwd"] });
    clock.advance(60_000);
    const res = await s.t.postForm("/token", { grant_type: "refresh_token", refresh_token: first.refresh_token! }, basic(rp.id, rp.secret));
    assert.equal(res.status, 200);
    const refreshed = (await res.json()) as TokenBody;
    const claims = await verify(refreshed.id_token!, rp);
    const original = await verify(first.id_token!, rp);
    assert.equal(claims.sub, original.sub);
    assert.equal(claims.auth_time, authTime);
    assert.equal(claims.acr, "urn:portcullis:acr:pwd");
    assert.deepEqual(claims.amr, ["pwd"]);
    assert.equal(claims.nonce, undefined);
    assert.equal(claims.iat, Math.floor(clock.now() / 1000));
    for (const name of ["_oidc", "auth_time", "acr", "amr"]) assert.equal(name in decodeJwt(refreshed.access_token), false, name);
  });

  test("a pairwise client gets a pairwise sub in the ID token; the access token keeps the local user id", async () => {
    const rp = await s.insertClient({ subject_type: "pairwise" });
    const body = await s.tokens(rp);
    const claims = await verify(body.id_token!, rp);
    assert.notEqual(claims.sub, s.alice.id);
    assert.match(claims.sub!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(decodeJwt(body.access_token).sub, s.alice.id);
    const other = await s.insertClient({ subject_type: "pairwise", redirect_uris: ["https://other.example.test/cb"] });
    const res = await s.t.postForm(
      "/token",
      { grant_type: "authorization_code", code: await s.issue(other, { redirectUri: "https://other.example.test/cb" }), redirect_uri: "https://other.example.test/cb", code_verifier: VERIFIER },
      basic(other.id, other.secret),
    );
    const otherClaims = await verify(((await res.json()) as TokenBody).id_token!, other);
    assert.notEqual(otherClaims.sub, claims.sub, "another sector, another sub");
  });
});

describe("UserInfo endpoint (OIDC Core §5.3, RFC 6750; corpus K66, C16)", () => {
  const clock = new FakeClock();
  let s: Awaited<ReturnType<typeof openIdApp>>;
  let rp: Rp;
  let accessToken: string;
  let userinfoUrl: string;
  before(async () => {
    s = await openIdApp(clock);
    rp = await s.insertClient();
    accessToken = (await s.tokens(rp, { scopes: ["openid", "profile", "email"] })).access_token;
    userinfoUrl = `${s.t.publicUrl}/userinfo`;
  });
  after(() => s.t.stop());

  const get = (headers: Record<string, string> = {}, query = "") => fetch(`${userinfoUrl}${query}`, { headers });
  const post = (body: string | undefined, headers: Record<string, string> = {}) =>
    fetch(userinfoUrl, { method: "POST", body, headers: body === undefined ? headers : { "content-type": "application/x-www-form-urlencoded", ...headers } });
  const expectClaims = async (res: Response) => {
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await res.json(), { sub: s.alice.id, name: "Alice Liddell", preferred_username: "alice", email: "alice@example.com", email_verified: false });
  };
  const expectChallenge = async (res: Response, status: number, error: string) => {
    assert.equal(res.status, status);
    const challenge = res.headers.get("www-authenticate") ?? "";
    assert.match(challenge, new RegExp(`^Bearer realm="${s.t.issuer}", error="${error}"`));
    assert.equal(((await res.json()) as { error: string }).error, error);
  };

  test("K66: GET with the Authorization header (scheme case-insensitive)", async () => {
    await expectClaims(await get(bearer(accessToken)));
    await expectClaims(await get({ authorization: `bEaReR ${accessToken}` }));
  });
  test("K66: POST with the Authorization header and no body", async () => {
    await expectClaims(await post(undefined, bearer(accessToken)));
  });
  test("K66: POST with access_token in the form body", async () => {
    await expectClaims(await post(new URLSearchParams({ access_token: accessToken }).toString()));
  });

  test("K66: no token → 401 with a Bearer realm challenge, then a DPoP one with its algs (RFC 9449 §7.1), and no error code", async () => {
    for (const res of [await get(), await post(undefined), await get({ authorization: "Basic Zm9vOmJhcg==" })]) {
      assert.equal(res.status, 401);
      assert.match(res.headers.get("www-authenticate") ?? "", new RegExp(`^Bearer realm="${s.t.issuer}", DPoP realm="${s.t.issuer}", algs="ES256( [A-Za-z0-9]+)*"$`));
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.equal(await res.text(), "");
    }
  });

  test("K66: an invalid token → 401 invalid_token", async () => {
    await expectChallenge(await get(bearer("not-a-token")), 401, "invalid_token");
    const [header, payload] = accessToken.split(".");
    await expectChallenge(await get(bearer(`${header}.${payload}.${"A".repeat(86)}`)), 401, "invalid_token");
  });

  test("K66: an expired token → 401 invalid_token", async () => {
    const token = (await s.tokens(rp)).access_token;
    clock.advance(3600_000 + 1000);
    await expectChallenge(await get(bearer(token)), 401, "invalid_token");
    accessToken = (await s.tokens(rp, { scopes: ["openid", "profile", "email"] })).access_token;
  });

  test("K66: a revoked token → 401 invalid_token", async () => {
    const token = (await s.tokens(rp)).access_token;
    assert.equal((await s.t.postForm("/revoke", { token }, basic(rp.id, rp.secret))).status, 200);
    await expectChallenge(await get(bearer(token)), 401, "invalid_token");
  });

  test("K66: a token without openid → 403 insufficient_scope", async () => {
    const token = (await s.tokens(rp, { scopes: ["api:read"] })).access_token;
    const res = await get(bearer(token));
    assert.match(res.headers.get("www-authenticate") ?? "", /, scope="openid"$/);
    await expectChallenge(res, 403, "insufficient_scope");
  });

  test("K66: a refresh token used as an access token → 401 invalid_token", async () => {
    const { refresh_token } = await s.tokens(rp, { scopes: ["openid", "offline_access"] });
    await expectChallenge(await get(bearer(refresh_token!)), 401, "invalid_token");
  });

  test("RFC 6750 §2: two methods, a repeated or malformed header, a repeated body parameter → 400 invalid_request", async () => {
    await expectChallenge(await post(new URLSearchParams({ access_token: accessToken }).toString(), bearer(accessToken)), 400, "invalid_request");
    await expectChallenge(await get({ authorization: "Bearer" }), 400, "invalid_request");
    await expectChallenge(await get({ authorization: "Bearer a b" }), 400, "invalid_request");
    await expectChallenge(await post(`access_token=${accessToken}&access_token=${accessToken}`), 400, "invalid_request");
  });

  test("the query method is refused unless USERINFO_QUERY_TOKEN is on → 400 invalid_request", async () => {
    await expectChallenge(await get({}, `?access_token=${accessToken}`), 400, "invalid_request");
  });

  test("a POST body that is not a form → 400 invalid_request", async () => {
    const res = await fetch(userinfoUrl, { method: "POST", body: JSON.stringify({ access_token: accessToken }), headers: { "content-type": "application/json" } });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, "invalid_request");
  });

  test("a disabled or unknown user → 401 invalid_token", async () => {
    const ghost = (await s.tokens(rp, { subject: "no-such-user" })).access_token;
    await expectChallenge(await get(bearer(ghost)), 401, "invalid_token");
    await s.durable.users.insert({ id: "disabled-user", username: "mallory", passwordHash: "x", disabled: true, createdAt: clock.now() });
    const disabled = (await s.tokens(rp, { subject: "disabled-user" })).access_token;
    await expectChallenge(await get(bearer(disabled)), 401, "invalid_token");
  });

  test("C16: after the code is reused, the first access token gets 401 invalid_token at userinfo", async () => {
    const code = await s.issue(rp);
    const first = (await (await s.redeem(rp, code)).json()) as TokenBody;
    assert.equal((await get(bearer(first.access_token))).status, 200);
    assert.equal((await s.redeem(rp, code)).status, 400);
    await expectChallenge(await get(bearer(first.access_token)), 401, "invalid_token");
  });

  test("sub is pairwise for a pairwise client and matches its ID token; scopes decide the claims", async () => {
    const pairwise = await s.insertClient({ subject_type: "pairwise" });
    const body = await s.tokens(pairwise);
    const res = await get(bearer(body.access_token));
    assert.deepEqual(await res.json(), { sub: decodeJwt(body.id_token!).sub });
  });

  test("the claims request's userinfo member adds individual claims without their scope (OIDC Core §5.5)", async () => {
    const body = await s.tokens(rp, { requestedClaims: { userinfo: { email: null, unknown_claim: null }, id_token: { name: null } } });
    assert.deepEqual(await (await get(bearer(body.access_token))).json(), { sub: s.alice.id, email: "alice@example.com" });
    assert.equal(decodeJwt(body.id_token!).name, "Alice Liddell");
    assert.equal(decodeJwt(body.id_token!).email, undefined);
  });

  test("signed userinfo (OIDC Core §5.3.2): application/jwt with iss and aud, verified against the JWKS", async () => {
    const signed = await s.insertClient({ userinfo_signed_response_alg: "ES256" });
    const token = (await s.tokens(signed, { scopes: ["openid", "email"] })).access_token;
    const res = await get(bearer(token));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/jwt");
    assert.equal(res.headers.get("cache-control"), "no-store");
    const { payload, protectedHeader } = await jwtVerify(await res.text(), createRemoteJWKSet(new URL(`${s.t.publicUrl}/jwks`)), { issuer: s.t.issuer, audience: signed.id });
    assert.equal(protectedHeader.alg, "ES256");
    assert.deepEqual(payload, { sub: s.alice.id, email: "alice@example.com", email_verified: false, iss: s.t.issuer, aud: signed.id });
  });

  test("methods other than GET and POST → 405", async () => {
    const res = await fetch(userinfoUrl, { method: "PUT", headers: bearer(accessToken) });
    assert.equal(res.status, 405);
  });
});

describe("UserInfo with USERINFO_QUERY_TOKEN=true (RFC 6750 §2.3)", () => {
  const clock = new FakeClock();
  let s: Awaited<ReturnType<typeof openIdApp>>;
  before(async () => {
    s = await openIdApp(clock, { userinfoQueryToken: "true" });
  });
  after(() => s.t.stop());

  test("accepts the query parameter, still alone: with a header as well → 400 invalid_request", async () => {
    const rp = await s.insertClient();
    const token = (await s.tokens(rp)).access_token;
    const ok = await fetch(`${s.t.publicUrl}/userinfo?access_token=${token}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { sub: s.alice.id });
    const both = await fetch(`${s.t.publicUrl}/userinfo?access_token=${token}`, { headers: bearer(token) });
    assert.equal(both.status, 400);
    assert.equal(((await both.json()) as { error: string }).error, "invalid_request");
  });
});

/** The K65 rules for unsigned ID tokens, on a server whose operator enabled them (UNSIGNED_ID_TOKENS=true). */
describe("registration of unsigned ID tokens when the operator enabled them (corpus K65)", () => {
  const clock = new FakeClock();
  let s: Awaited<ReturnType<typeof openIdApp>>;
  before(async () => {
    s = await openIdApp(clock, { unsignedIdTokens: "true" });
  });
  after(() => s.t.stop());

  const code = { redirect_uris: [REDIRECT], grant_types: ["authorization_code"], response_types: ["code"] };
  const rejected = async (metadata: Record<string, unknown>, description: RegExp) =>
    assert.rejects(s.t.createClient(metadata), (e: { error?: string; description?: string }) => {
      assert.equal(e.error, "invalid_client_metadata");
      assert.match(e.description ?? "", description);
      return true;
    });

  test("K65: id_token_signed_response_alg none only for response_types exactly [code]; an unsigned ID token at /token", async () => {
    const created = await s.t.createClient({ ...code, id_token_signed_response_alg: "none" });
    assert.equal(created.id_token_signed_response_alg, "none");
    await rejected({ ...code, grant_types: ["authorization_code", "implicit"], response_types: ["code id_token"], id_token_signed_response_alg: "none" }, /^id_token_signed_response_alg none is not supported$/);
    await rejected({ grant_types: ["client_credentials"], id_token_signed_response_alg: "none" }, /^id_token_signed_response_alg none is not supported$/);
    const rp = { id: created.client_id, secret: created.client_secret! };
    const idToken = (await s.tokens(rp)).id_token!;
    assert.equal(idToken.split(".")[2], "");
    assert.equal(decodeJwt(idToken).sub, s.alice.id);
  });

  test("discovery lists none for ID tokens", async () => {
    const metadata = (await (await fetch(`${s.t.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(metadata.id_token_signing_alg_values_supported, ["RS256", "ES256", "none"]);
  });
});

describe("registration of ID-token and userinfo algs (corpus K65) and discovery", () => {
  const clock = new FakeClock();
  let s: Awaited<ReturnType<typeof openIdApp>>;
  before(async () => {
    s = await openIdApp(clock);
  });
  after(() => s.t.stop());

  const code = { redirect_uris: [REDIRECT], grant_types: ["authorization_code"], response_types: ["code"] };
  const rejected = async (metadata: Record<string, unknown>, description: RegExp) =>
    assert.rejects(s.t.createClient(metadata), (e: { error?: string; description?: string }) => {
      assert.equal(e.error, "invalid_client_metadata");
      assert.match(e.description ?? "", description);
      return true;
    });

  test("unsigned ID tokens are off by default: none is refused at registration and absent from discovery", async () => {
    await rejected({ ...code, id_token_signed_response_alg: "none" }, /^id_token_signed_response_alg none: unsigned ID tokens are not enabled on this server$/);
    const metadata = (await (await fetch(`${s.t.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.ok(!(metadata.id_token_signing_alg_values_supported as string[]).includes("none"));
  });

  test("K65: an alg outside id_token_signing_alg_values_supported, or an unsupported userinfo alg → invalid_client_metadata", async () => {
    await rejected({ ...code, id_token_signed_response_alg: "HS256" }, /^id_token_signed_response_alg HS256 is not supported$/);
    await rejected({ ...code, id_token_signed_response_alg: "PS512" }, /^id_token_signed_response_alg PS512 is not supported$/);
    await rejected({ ...code, userinfo_signed_response_alg: "none" }, /^userinfo_signed_response_alg none is not supported$/);
    await rejected({ ...code, userinfo_signed_response_alg: "HS256" }, /^userinfo_signed_response_alg HS256 is not supported$/);
    assert.ok((await s.t.createClient({ ...code, id_token_signed_response_alg: "ES256", userinfo_signed_response_alg: "RS256" })).client_id);
  });

  test("pairwise clients with redirect URIs on several hosts need a sector_identifier_uri", async () => {
    await rejected({ ...code, redirect_uris: [REDIRECT, "https://other.example.test/cb"], subject_type: "pairwise" }, /^subject_type pairwise requires sector_identifier_uri/);
    assert.ok((await s.t.createClient({ ...code, subject_type: "pairwise" })).client_id);
  });

  test("discovery lists userinfo, subject types, algs, acr values and claims", async () => {
    const metadata = (await (await fetch(`${s.t.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(metadata.userinfo_endpoint, `${s.t.issuer}/userinfo`);
    assert.deepEqual(metadata.subject_types_supported, ["public", "pairwise"]);
    assert.deepEqual(metadata.id_token_signing_alg_values_supported, ["RS256", "ES256"]);
    assert.deepEqual(metadata.userinfo_signing_alg_values_supported, ["RS256", "ES256"]);
    assert.deepEqual(metadata.acr_values_supported, ["urn:portcullis:acr:pwd", "urn:portcullis:acr:mfa"]);
    assert.deepEqual(metadata.claim_types_supported, ["normal"]);
    assert.deepEqual(metadata.claims_supported, [
      "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "azp", "at_hash", "c_hash",
      "name", "preferred_username", "email", "email_verified",
    ]);
  });
});
