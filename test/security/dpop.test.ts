import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { AuthorizationCodeService } from "../../src/core/codes/authorization-code.service.js";
import { DI } from "../../src/core/di-tokens.js";
import { normalizedHtu } from "../../src/core/pop/dpop/dpop-htu.js";
import { dpopReplayKey } from "../../src/core/pop/dpop/dpop-proof.verifier.js";
import { UserService } from "../../src/core/users/user.service.js";
import { athOf, DpopTestKey } from "../support/dpop.js";
import { FakeClock } from "../support/fake-clock.js";
import { HttpBrowser } from "../support/http-browser.js";
import { expectOAuthError, expectRawOAuthError, formBody, rawHttp } from "../support/oauth-assertions.js";
import { basic, startTestApp } from "../support/test-app.js";
import { serviceUrl } from "../integration/storage/services.js";

/** Security corpus group F (DPoP, RFC 9449) and the bindings DPoP adds to codes, refresh tokens and device codes. */
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const API = "https://api.example.test/";
const CB = "https://app.example.test/cb";
const PKCE = { code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" };
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
/** `WWW-Authenticate` of a DPoP error at a resource (RFC 9449 §7.1), with the algs this server accepts. */
const dpopChallenge = (error: string) => new RegExp(`^DPoP error="${error}", error_description="[^"]*", algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA Ed25519"$`);

type Registered = { client_id: string; client_secret?: string };
type TokenBody = { access_token: string; token_type: string; refresh_token?: string; error?: string };

const seconds = (ms: number) => Math.floor(ms / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The server under test, its clients and request helpers. */
async function dpopApp(clock: FakeClock, settings: Parameters<typeof startTestApp>[0] = {}) {
  const t = await startTestApp({ plugins: plugin, ...settings }, { clock });
  await t.createResource(API, "api:read");
  const alice = await t.app.container.resolve(UserService).create({ username: "alice", password: "alice-password-1" });
  const machine = await t.createClient({ grant_types: ["client_credentials"] });
  const introspector = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
  const rp = await t.createClient({ redirect_uris: [CB], grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "none", scope: "openid" });
  const tokenUrl = `${t.issuer}/token`;
  const userinfoUrl = `${t.issuer}/userinfo`;
  const proofFor = (key: DpopTestKey, htm: string, url: string, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => key.proof(htm, url, clock.now(), claims, header);
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) => t.postForm("/token", form, headers);
  const clientCredentials = (key: DpopTestKey | undefined, client: Registered = machine, proof = key && proofFor(key, "POST", tokenUrl)) =>
    token({ grant_type: "client_credentials" }, { ...basic(client.client_id, client.client_secret!), ...(proof && { dpop: proof }) });
  const ok = async (res: Response) => {
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as TokenBody;
  };
  /** A DPoP-bound access token for alice with `openid`, from a code the authorization endpoint would have issued. */
  const userToken = async (key: DpopTestKey) => {
    const code = await t.app.container.resolve(AuthorizationCodeService).issue({ clientId: rp.client_id, redirectUri: CB, subject: alice.id, scopes: ["openid"], resources: [], codeChallenge: PKCE.code_challenge, codeChallengeMethod: "S256" });
    return ok(await token({ grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: VERIFIER, client_id: rp.client_id }, { dpop: proofFor(key, "POST", tokenUrl) }));
  };
  const userinfo = (accessToken: string, proof: string | undefined, scheme = "DPoP") =>
    fetch(userinfoUrl, { headers: { authorization: `${scheme} ${accessToken}`, ...(proof !== undefined && { dpop: proof }) } });
  const introspect = async (value: string) => (await (await t.postForm("/introspect", { token: value }, basic(introspector.client_id, introspector.client_secret!))).json()) as Record<string, unknown>;
  return { t, alice, machine, rp, tokenUrl, userinfoUrl, proofFor, token, clientCredentials, ok, userToken, userinfo, introspect };
}

/** Every malformed proof of corpus F38, for `htm` `url` (with `claims`, e.g. `ath`, in each). */
function malformedProofs(key: DpopTestKey, clock: FakeClock, htm: string, url: string, claims: Record<string, unknown> = {}): [string, string][] {
  const base = () => ({ jti: randomUUID(), htm, htu: url, iat: seconds(clock.now()), ...claims });
  const header = { typ: "dpop+jwt", alg: key.alg, jwk: key.jwk };
  const hmac = (h: Record<string, unknown>, c: Record<string, unknown>) => {
    const input = `${b64(h)}.${b64(c)}`;
    return `${input}.${createHmac("sha256", "a shared secret").update(input).digest("base64url")}`;
  };
  const impostor = new DpopTestKey(key.alg);
  return [
    ["not a JWT", "not-a-jwt"],
    ["a JWE-shaped value", "a.b.c.d.e"],
    ["typ JWT", key.sign({ ...header, typ: "JWT" }, base())],
    ["typ missing", key.sign({ ...header, typ: undefined }, base())],
    ["alg none", `${b64({ ...header, alg: "none" })}.${b64(base())}.`],
    ["alg none with a signature part", `${b64({ ...header, alg: "none" })}.${b64(base())}.AAAA`],
    ["alg HS256", hmac({ ...header, alg: "HS256" }, base())],
    ["alg missing", key.sign({ ...header, alg: undefined }, base())],
    ["alg of another key type", key.sign({ ...header, alg: "RS256" }, base())],
    ["jwk missing", key.sign({ ...header, jwk: undefined }, base())],
    ["jwk containing d", key.sign({ ...header, jwk: key.privateJwk() }, base())],
    ["jwk not a key", key.sign({ ...header, jwk: { kty: "EC", crv: "P-256", x: "AA", y: "AA" } }, base())],
    ["a bad signature", impostor.sign(header, base())],
    ["jti missing", key.sign(header, { ...base(), jti: undefined })],
    ["htm missing", key.sign(header, { ...base(), htm: undefined })],
    ["htu missing", key.sign(header, { ...base(), htu: undefined })],
    ["iat missing", key.sign(header, { ...base(), iat: undefined })],
    ["iat a string", key.sign(header, { ...base(), iat: String(seconds(clock.now())) })],
    ["htm of another method", key.sign(header, { ...base(), htm: htm === "GET" ? "POST" : "GET" })],
    ["htu of another URL", key.sign(header, { ...base(), htu: `${url}/elsewhere` })],
    ["htu with another host", key.sign(header, { ...base(), htu: url.replace("127.0.0.1", "127.0.0.2") })],
    ["crit", key.sign({ ...header, crit: ["exp"] }, base())],
  ];
}

describe("DPoP (corpus F 37–45)", () => {
  const clock = new FakeClock();
  let s: Awaited<ReturnType<typeof dpopApp>>;
  const key = new DpopTestKey();
  before(async () => (s = await dpopApp(clock)));
  after(() => s.t.stop());

  describe("F37: a client registered with dpop_bound_access_tokens", () => {
    test("without a DPoP header → 400 invalid_dpop_proof and no token; with one → a DPoP token bound to its key", async () => {
      const bound = await s.t.createClient({ grant_types: ["client_credentials"], dpop_bound_access_tokens: true });
      const refused = await expectOAuthError(await s.clientCredentials(undefined, bound), 400, "invalid_dpop_proof");
      assert.equal(refused.error_description, "this client must send a DPoP proof");
      const body = await s.ok(await s.clientCredentials(key, bound));
      assert.equal(body.token_type, "DPoP");
      const introspected = await s.introspect(body.access_token);
      assert.equal(introspected.token_type, "DPoP");
      assert.deepEqual(introspected.cnf, { jkt: key.jkt });
    });

    test("cannot register a response type that returns Bearer access tokens from the authorization endpoint", async () => {
      const implicit = { redirect_uris: [CB], grant_types: ["authorization_code", "implicit"], dpop_bound_access_tokens: true };
      await assert.rejects(s.t.createClient({ ...implicit, response_types: ["code token"] }), {
        error: "invalid_client_metadata",
        description: "response type code token returns Bearer access tokens, which dpop_bound_access_tokens excludes",
      });
      await s.t.createClient({ ...implicit, response_types: ["code", "code id_token"] });
    });

    test("a client without the flag still gets Bearer tokens without a proof (introspection says Bearer, no cnf)", async () => {
      const body = await s.ok(await s.clientCredentials(undefined));
      assert.equal(body.token_type, "Bearer");
      const introspected = await s.introspect(body.access_token);
      assert.equal(introspected.token_type, "Bearer");
      assert.equal(introspected.cnf, undefined);
    });
  });

  describe("F38 at the token endpoint: 400 invalid_dpop_proof", () => {
    test("two DPoP headers", async () => {
      const res = await rawHttp(s.tokenUrl, {
        headers: { "content-type": "application/x-www-form-urlencoded", ...basic(s.machine.client_id, s.machine.client_secret!), dpop: [s.proofFor(key, "POST", s.tokenUrl), s.proofFor(key, "POST", s.tokenUrl)] },
        body: formBody({ grant_type: "client_credentials" }),
      });
      assert.equal(expectRawOAuthError(res, 400, "invalid_dpop_proof").error_description, "exactly one DPoP header is allowed");
    });

    test("each malformed proof", async () => {
      for (const [what, proof] of malformedProofs(key, clock, "POST", s.tokenUrl)) {
        const res = await s.clientCredentials(undefined, s.machine, proof);
        await expectOAuthError(res, 400, "invalid_dpop_proof").catch((error: Error) => assert.fail(`${what}: ${error.message}`));
      }
    });
  });

  describe("F38 at the resource (/userinfo): 401 with a DPoP challenge", () => {
    test("each malformed proof, and two DPoP headers", async () => {
      const { access_token } = await s.userToken(key);
      for (const [what, proof] of malformedProofs(key, clock, "GET", s.userinfoUrl, { ath: athOf(access_token) })) {
        const res = await s.userinfo(access_token, proof);
        await expectOAuthError(res, 401, "invalid_dpop_proof", { wwwAuthenticate: dpopChallenge("invalid_dpop_proof") }).catch((error: Error) => assert.fail(`${what}: ${error.message}`));
      }
      const twice = await rawHttp(s.userinfoUrl, { method: "GET", headers: { authorization: `DPoP ${access_token}`, dpop: [1, 2].map(() => s.proofFor(key, "GET", s.userinfoUrl, { ath: athOf(access_token) })) } });
      expectRawOAuthError(twice, 401, "invalid_dpop_proof", { wwwAuthenticate: dpopChallenge("invalid_dpop_proof") });
    });
  });

  describe("F40: the iat window", () => {
    test("iat 10 s before or after now is accepted; an hour before or after is invalid_dpop_proof", async () => {
      const at = (offsetSeconds: number) => s.proofFor(key, "POST", s.tokenUrl, { iat: seconds(clock.now()) + offsetSeconds });
      for (const offset of [-10, 10]) await s.ok(await s.clientCredentials(undefined, s.machine, at(offset)));
      for (const offset of [-3600, 3600]) await expectOAuthError(await s.clientCredentials(undefined, s.machine, at(offset)), 400, "invalid_dpop_proof");
    });

    test("nbf and exp, which DPoP does not define, are honoured: nbf now and exp in 5 minutes pass, a past exp does not", async () => {
      const now = seconds(clock.now());
      await s.ok(await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { nbf: now, exp: now + 300 })));
      await expectOAuthError(await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { exp: now - 3600 })), 400, "invalid_dpop_proof");
      await expectOAuthError(await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { nbf: now + 3600 })), 400, "invalid_dpop_proof");
    });
  });

  describe("F41: replay", () => {
    test("the same proof twice → the second is 400 invalid_dpop_proof, also when its htu is written differently", async () => {
      const proof = s.proofFor(key, "POST", s.tokenUrl);
      await s.ok(await s.clientCredentials(undefined, s.machine, proof));
      await expectOAuthError(await s.clientCredentials(undefined, s.machine, proof), 400, "invalid_dpop_proof");
      const jti = randomUUID();
      await s.ok(await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { jti })));
      const respelled = s.tokenUrl.replace("http://", "HTTP://").replace("/token", "/./token");
      const body = await expectOAuthError(await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", respelled, { jti })), 400, "invalid_dpop_proof");
      assert.equal(body.error_description, "the DPoP proof was already used");
    });

    test("the replay entry lives at least DPOP_PROOF_MAX_AGE + CLOCK_TOLERANCE, keyed by normalised htm/htu and jti", async () => {
      const jti = randomUUID();
      await s.ok(await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { jti })));
      const ttl = await s.t.app.container.resolve(DI.Ephemeral).ttl(dpopReplayKey("POST", normalizedHtu(s.tokenUrl)!, jti));
      assert.ok(ttl !== undefined && ttl >= (60 + 30) * 1000, `ttl ${ttl}`);
    });

    test("20 concurrent requests with one proof: exactly one gets a token", async () => {
      const proof = s.proofFor(key, "POST", s.tokenUrl);
      const statuses = (await Promise.all(Array.from({ length: 20 }, () => s.clientCredentials(undefined, s.machine, proof)))).map((r) => r.status);
      assert.deepEqual(statuses.sort(), [200, ...Array<number>(19).fill(400)]);
    });
  });

  describe("F43: at the resource", () => {
    test("ath missing or wrong → 401 invalid_dpop_proof; a proof by another key → 401 invalid_token; the bound token as Bearer → 401 invalid_token", async () => {
      const { access_token } = await s.userToken(key);
      const proof = (claims: Record<string, unknown> = {}, signer = key) => s.proofFor(signer, "GET", s.userinfoUrl, { ath: athOf(access_token), ...claims });
      await expectOAuthError(await s.userinfo(access_token, proof({ ath: undefined })), 401, "invalid_dpop_proof", { wwwAuthenticate: dpopChallenge("invalid_dpop_proof") });
      await expectOAuthError(await s.userinfo(access_token, proof({ ath: athOf("another") })), 401, "invalid_dpop_proof", { wwwAuthenticate: dpopChallenge("invalid_dpop_proof") });
      await expectOAuthError(await s.userinfo(access_token, proof({}, new DpopTestKey())), 401, "invalid_token", { wwwAuthenticate: dpopChallenge("invalid_token") });
      await expectOAuthError(await s.userinfo(access_token, undefined, "Bearer"), 401, "invalid_token", { wwwAuthenticate: dpopChallenge("invalid_token") });
      await expectOAuthError(await s.userinfo(access_token, proof(), "Bearer"), 401, "invalid_token", { wwwAuthenticate: dpopChallenge("invalid_token") });
      await expectOAuthError(await s.userinfo(access_token, undefined), 401, "invalid_dpop_proof", { wwwAuthenticate: dpopChallenge("invalid_dpop_proof") });
    });

    test("the scheme is case-insensitive: DPoP, dpop and DPOP are accepted", async () => {
      const { access_token } = await s.userToken(key);
      for (const scheme of ["DPoP", "dpop", "DPOP"]) {
        const res = await s.userinfo(access_token, s.proofFor(key, "GET", s.userinfoUrl, { ath: athOf(access_token) }), scheme);
        assert.equal(res.status, 200, scheme);
        assert.equal(((await res.json()) as { sub: string }).sub, s.alice.id);
      }
    });

    test("a token that is not DPoP-bound, sent with the DPoP scheme → 401 invalid_token", async () => {
      const code = await s.t.app.container.resolve(AuthorizationCodeService).issue({ clientId: s.rp.client_id, redirectUri: CB, subject: s.alice.id, scopes: ["openid"], resources: [], codeChallenge: PKCE.code_challenge, codeChallengeMethod: "S256" });
      const { access_token } = await s.ok(await s.token({ grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: VERIFIER, client_id: s.rp.client_id }));
      await expectOAuthError(await s.userinfo(access_token, s.proofFor(key, "GET", s.userinfoUrl, { ath: athOf(access_token) })), 401, "invalid_token", { wwwAuthenticate: dpopChallenge("invalid_token") });
      assert.equal((await s.userinfo(access_token, undefined, "Bearer")).status, 200, "as Bearer it works");
    });
  });

  describe("F44: dpop_jkt and PAR (RFC 9449 §10)", () => {
    const authorize = async (params: Record<string, string>) => {
      const { location } = await new HttpBrowser().authorize(`${s.t.issuer}/authorize?${new URLSearchParams({ client_id: s.rp.client_id, ...params })}`, s.t.issuer, {
        credentials: { username: "alice", password: "alice-password-1" },
        consent: "approve",
      });
      return location!.searchParams.get("code")!;
    };
    const redeem = (code: string, signer?: DpopTestKey) =>
      s.token({ grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: VERIFIER, client_id: s.rp.client_id }, signer ? { dpop: s.proofFor(signer, "POST", s.tokenUrl) } : {});
    const request = { response_type: "code", redirect_uri: CB, scope: "openid", state: "s", ...PKCE };
    const push = (params: Record<string, string>, signer?: DpopTestKey) => s.t.postForm("/par", { client_id: s.rp.client_id, ...request, ...params }, signer ? { dpop: s.proofFor(signer, "POST", `${s.t.issuer}/par`) } : {});

    test("at PAR, dpop_jkt other than the proof's key → 400 invalid_dpop_proof", async () => {
      const body = await expectOAuthError(await push({ dpop_jkt: new DpopTestKey().jkt }, key), 400, "invalid_dpop_proof");
      assert.equal(body.error_description, "dpop_jkt does not match the key of the DPoP proof");
    });

    test("a PAR proof binds the code: another key or none at /token → 400 invalid_grant (code not spent); the key → cnf.jkt", async () => {
      const pushed = (await (await push({ dpop_jkt: key.jkt }, key)).json()) as { request_uri: string };
      const code = await authorize({ request_uri: pushed.request_uri });
      await expectOAuthError(await redeem(code, new DpopTestKey()), 400, "invalid_grant");
      await expectOAuthError(await redeem(code), 400, "invalid_grant");
      const body = await s.ok(await redeem(code, key));
      assert.equal(body.token_type, "DPoP");
      assert.deepEqual((await s.introspect(body.access_token)).cnf, { jkt: key.jkt });
    });

    test("dpop_jkt at /authorize binds the code the same way; a malformed dpop_jkt is an invalid_request redirect", async () => {
      const code = await authorize({ ...request, dpop_jkt: key.jkt });
      await expectOAuthError(await redeem(code, new DpopTestKey()), 400, "invalid_grant");
      assert.equal((await s.ok(await redeem(code, key))).token_type, "DPoP");
      const res = await new HttpBrowser().request(`${s.t.issuer}/authorize?${new URLSearchParams({ client_id: s.rp.client_id, ...request, dpop_jkt: "not a thumbprint" })}`);
      assert.equal(new URL(res.headers.get("location")!).searchParams.get("error"), "invalid_request");
    });

    test("dpop_jkt pushed without a proof binds the code too", async () => {
      const pushed = (await (await push({ dpop_jkt: key.jkt })).json()) as { request_uri: string };
      const code = await authorize({ request_uri: pushed.request_uri });
      await expectOAuthError(await redeem(code), 400, "invalid_grant");
      await s.ok(await redeem(code, key));
    });
  });

  describe("F45: unknown header parameters and claims", () => {
    test("are accepted", async () => {
      const proof = s.proofFor(key, "POST", s.tokenUrl, { purpose: "test", nested: { any: [1, 2] } }, { kid: "k-1", "x-vendor": true });
      assert.equal((await s.ok(await s.clientCredentials(undefined, s.machine, proof))).token_type, "DPoP");
    });

    test("every accepted alg works (ES384, PS256, RS256, EdDSA)", async () => {
      for (const alg of ["ES384", "PS256", "RS256", "EdDSA"] as const) assert.equal((await s.ok(await s.clientCredentials(new DpopTestKey(alg)))).token_type, "DPoP", alg);
    });
  });

  describe("refresh tokens (RFC 9449 §5)", () => {
    const start = async (client: Registered, signer: DpopTestKey) =>
      s.ok(await s.token({ grant_type: GRANT, subject: "alice", client_id: client.client_id }, { ...(client.client_secret ? basic(client.client_id, client.client_secret) : {}), dpop: s.proofFor(signer, "POST", s.tokenUrl) }));
    const refresh = (client: Registered, refreshToken: string, signer?: DpopTestKey) =>
      s.token({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: client.client_id }, { ...(client.client_secret ? basic(client.client_id, client.client_secret) : {}), ...(signer && { dpop: s.proofFor(signer, "POST", s.tokenUrl) }) });

    test("a public client's refresh token is bound: without a proof or with another key → invalid_grant, nothing rotated; with the key → a DPoP token", async () => {
      const app = await s.t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
      const first = await start(app, key);
      assert.deepEqual((await s.introspect(first.refresh_token!)).cnf, { jkt: key.jkt });
      await expectOAuthError(await refresh(app, first.refresh_token!), 400, "invalid_grant");
      const wrong = await expectOAuthError(await refresh(app, first.refresh_token!, new DpopTestKey()), 400, "invalid_grant");
      assert.equal(wrong.error_description, "the refresh token is bound to a key this request did not prove");
      const refreshed = await s.ok(await refresh(app, first.refresh_token!, key));
      assert.equal(refreshed.token_type, "DPoP");
      assert.deepEqual((await s.introspect(refreshed.access_token)).cnf, { jkt: key.jkt });
      assert.equal((await s.introspect(first.access_token)).active, true, "the refused attempts revoked nothing");
    });

    test("a confidential client's refresh token is not bound; each new access token is bound to the refresh request's proof", async () => {
      const app = await s.t.createClient({ grant_types: [GRANT, "refresh_token"] });
      const first = await start(app, key);
      assert.equal((await s.introspect(first.refresh_token!)).cnf, undefined);
      const plain = await s.ok(await refresh(app, first.refresh_token!));
      assert.equal(plain.token_type, "Bearer");
      const other = new DpopTestKey();
      const rebound = await s.ok(await refresh(app, plain.refresh_token!, other));
      assert.deepEqual((await s.introspect(rebound.access_token)).cnf, { jkt: other.jkt });
    });
  });

  describe("device codes", () => {
    test("a proof at /device_authorization binds the device code: polls with another key or none → invalid_grant, with the key → pending", async () => {
      const tv = await s.t.createClient({ grant_types: [DEVICE_CODE], token_endpoint_auth_method: "none" });
      const started = (await (await s.t.postForm("/device_authorization", { client_id: tv.client_id }, { dpop: s.proofFor(key, "POST", `${s.t.issuer}/device_authorization`) })).json()) as { device_code: string };
      const poll = (signer?: DpopTestKey) => s.token({ grant_type: DEVICE_CODE, device_code: started.device_code, client_id: tv.client_id }, signer ? { dpop: s.proofFor(signer, "POST", s.tokenUrl) } : {});
      await expectOAuthError(await poll(new DpopTestKey()), 400, "invalid_grant");
      await expectOAuthError(await poll(), 400, "invalid_grant");
      await expectOAuthError(await poll(key), 400, "authorization_pending");
    });

    test("a bad proof at /device_authorization → 400 invalid_dpop_proof", async () => {
      const tv = await s.t.createClient({ grant_types: [DEVICE_CODE], token_endpoint_auth_method: "none" });
      await expectOAuthError(await s.t.postForm("/device_authorization", { client_id: tv.client_id }, { dpop: s.proofFor(key, "POST", s.tokenUrl) }), 400, "invalid_dpop_proof");
    });
  });
});

describe("DPoP nonces (corpus F42, RFC 9449 §8–9)", () => {
  const clock = new FakeClock();
  let s: Awaited<ReturnType<typeof dpopApp>>;
  const key = new DpopTestKey();
  before(async () => (s = await dpopApp(clock, { dpopNonceRequired: "true" })));
  after(() => s.t.stop());

  /** Gets a nonce from a refused proof at /token. */
  const nonceFromToken = async () => {
    const res = await s.clientCredentials(key);
    const nonce = res.headers.get("dpop-nonce");
    await expectOAuthError(res, 400, "use_dpop_nonce");
    return nonce!;
  };

  test("AS: no nonce → 400 use_dpop_nonce with DPoP-Nonce; the retry with it → 200; a stale one → use_dpop_nonce again", async () => {
    const nonce = await nonceFromToken();
    assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
    const body = await s.ok(await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { nonce })));
    assert.equal(body.token_type, "DPoP");
    clock.advance(11 * 60_000);
    const stale = await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { nonce }));
    const fresh = stale.headers.get("dpop-nonce");
    assert.equal((await expectOAuthError(stale, 400, "use_dpop_nonce")).error_description, "the DPoP nonce is stale or unknown");
    assert.ok(fresh && fresh !== nonce, "a new window, a new nonce");
  });

  test("a nonce stays valid into the next window (current and previous are accepted); the 200 hands over the new window's nonce (RFC 9449 §8.2)", async () => {
    const nonce = await nonceFromToken();
    clock.advance(5 * 60_000);
    const res = await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { nonce }));
    const next = res.headers.get("dpop-nonce");
    await s.ok(res);
    assert.ok(next && next !== nonce, "the current window's nonce comes with the tokens");
    await s.ok(await s.clientCredentials(undefined, s.machine, s.proofFor(key, "POST", s.tokenUrl, { nonce: next })));
  });

  test("RS (/userinfo): no nonce → 401 WWW-Authenticate DPoP error=use_dpop_nonce with DPoP-Nonce; the retry → 200", async () => {
    const nonce = await nonceFromToken();
    const code = await s.t.app.container.resolve(AuthorizationCodeService).issue({ clientId: s.rp.client_id, redirectUri: CB, subject: s.alice.id, scopes: ["openid"], resources: [], codeChallenge: PKCE.code_challenge, codeChallengeMethod: "S256" });
    const { access_token } = await s.ok(await s.token({ grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: VERIFIER, client_id: s.rp.client_id }, { dpop: s.proofFor(key, "POST", s.tokenUrl, { nonce }) }));
    const refused = await s.userinfo(access_token, s.proofFor(key, "GET", s.userinfoUrl, { ath: athOf(access_token) }));
    const rsNonce = refused.headers.get("dpop-nonce");
    await expectOAuthError(refused, 401, "use_dpop_nonce", { wwwAuthenticate: dpopChallenge("use_dpop_nonce") });
    assert.ok(rsNonce);
    const res = await s.userinfo(access_token, s.proofFor(key, "GET", s.userinfoUrl, { ath: athOf(access_token), nonce: rsNonce }));
    assert.equal(res.status, 200);
  });

  test("a PAR proof without a nonce → 400 use_dpop_nonce", async () => {
    const res = await s.t.postForm("/par", { client_id: s.rp.client_id, response_type: "code", redirect_uri: CB, scope: "openid", ...PKCE }, { dpop: s.proofFor(key, "POST", `${s.t.issuer}/par`) });
    assert.ok(res.headers.get("dpop-nonce"));
    await expectOAuthError(res, 400, "use_dpop_nonce");
  });
});

const redisUrl = serviceUrl("REDIS_URL", "DPoP replay cache on Redis");
if (redisUrl) {
  describe("DPoP replay cache on Redis (corpus F41, S102)", () => {
    const clock = new FakeClock(Date.now());
    let s: Awaited<ReturnType<typeof dpopApp>>;
    before(async () => (s = await dpopApp(clock, { redisUrl })));
    after(() => s.t.stop());

    test("20 concurrent requests with one proof: exactly one gets a token", async () => {
      const proof = s.proofFor(new DpopTestKey(), "POST", s.tokenUrl);
      const statuses = (await Promise.all(Array.from({ length: 20 }, () => s.clientCredentials(undefined, s.machine, proof)))).map((r) => r.status);
      assert.deepEqual(statuses.sort(), [200, ...Array<number>(19).fill(400)]);
    });
  });
}
