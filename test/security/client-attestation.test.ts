import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TrustedIssuerService } from "../../src/core/trust/trusted-issuer.service.js";
import { ATTESTER, attestationHeaders, signAttestationPop, signClientAttestation, testKey } from "../support/client-attestation-fixtures.js";
import { FakeClock } from "../support/fake-clock.js";
import { expectOAuthError } from "../support/oauth-assertions.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const API = "https://api.example.test/";
const METHOD = "attest_jwt_client_auth";
const CHALLENGE_HEADER = "oauth-client-attestation-challenge";

/**
 * Security corpus P93, client attestation (draft-ietf-oauth-attestation-based-client-auth-11 §7): attestation and PoP
 * failures are 401 with the draft's error names (§7.4), a missing or reused challenge 400 `use_attestation_challenge`
 * with a fresh challenge (§6.1), at /token, /par and /introspect.
 */
describe("client attestation (corpus P93)", () => {
  const clock = new FakeClock();
  const attester = testKey("ES256");
  const instance = testKey("ES256");
  const stranger = testKey("ES256");
  let t: TestApp;
  let clientId = "";
  let webClientId = "";

  const now = () => Math.floor(clock.now() / 1000);
  const headers = async (options: { client?: string; attestation?: Record<string, unknown>; pop?: Record<string, unknown>; key?: typeof attester } = {}) =>
    attestationHeaders(
      await signClientAttestation(options.key ?? attester, instance, options.client ?? clientId, now(), options.attestation),
      await signAttestationPop(instance, t.issuer, now(), options.pop),
    );
  const token = (h: Record<string, string>, form: Record<string, string> = {}) => t.postForm("/token", { grant_type: "client_credentials", scope: "api:read", ...form }, h);
  const refused = async (h: Record<string, string>, status: number, error: string, description: string) => {
    const body = await expectOAuthError(await token(h), status, error, { wwwAuthenticate: false });
    assert.equal(body.error_description, description);
  };

  before(async () => {
    t = await startTestApp({ authFailureLimit: "1000" }, { clock });
    await t.createResource(API, "api:read");
    clientId = (await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: METHOD, scope: "api:read" })).client_id;
    webClientId = (await t.createClient({ grant_types: ["authorization_code"], redirect_uris: ["https://app.example.com/cb"], token_endpoint_auth_method: METHOD })).client_id;
    await t.app.container.resolve(TrustedIssuerService).put({ issuer: ATTESTER, uses: ["client-attestation"], allowedClients: ["*"], subjectMapping: "pass-through", jwks: { keys: [attester.publicJwk] }, maxLifetime: 86_400 });
  });
  after(() => t.stop());

  test("a valid attestation and PoP authenticate the client at /token (client_credentials)", async () => {
    const res = await token(await headers());
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(((await res.json()) as { token_type: string }).token_type, "Bearer");
  });

  test("client_id, when sent, must be the attestation's sub (§7.5)", async () => {
    assert.equal((await token(await headers(), { client_id: clientId })).status, 200);
    await expectOAuthError(await token(await headers(), { client_id: webClientId }), 401, "invalid_client_attestation");
  });

  describe("P93: the attestation", () => {
    test("bad signature → 401 invalid_client_attestation", async () => {
      const h = await headers();
      const jwt = h["oauth-client-attestation"]!;
      h["oauth-client-attestation"] = `${jwt.slice(0, jwt.lastIndexOf("."))}.${"A".repeat(86)}`;
      await refused(h, 401, "invalid_client_attestation", "client attestation rejected: signature is invalid");
    });

    test("untrusted attester → 401 invalid_client_attestation", async () => {
      await refused(await headers({ key: stranger, attestation: { iss: "https://rogue.example" } }), 401, "invalid_client_attestation", "client attestation rejected: iss is not a trusted issuer");
    });

    test("a trusted attester's key that is not its own → 401 invalid_client_attestation", async () => {
      await refused(await headers({ key: stranger }), 401, "invalid_client_attestation", "client attestation rejected: no key of the issuer matches the kid and alg");
    });

    test("expired → 401 use_fresh_attestation", async () => {
      await refused(await headers({ attestation: { iat: now() - 7200, exp: now() - 3600 } }), 401, "use_fresh_attestation", "client attestation rejected: exp is in the past");
    });

    test("wrong typ, missing cnf, or a private key in cnf → 401 invalid_client_attestation", async () => {
      const wrongTyp = attestationHeaders(await signClientAttestation(attester, instance, clientId, now(), {}, { typ: "JWT" }), await signAttestationPop(instance, t.issuer, now()));
      await refused(wrongTyp, 401, "invalid_client_attestation", "client attestation rejected: no verifier for this evidence format");
      await refused(await headers({ attestation: { cnf: undefined } }), 401, "invalid_client_attestation", "client attestation rejected: cnf.jwk must be an RSA, EC or OKP public key");
      const privateJwk = instance.privateKey.export({ format: "jwk" });
      await refused(await headers({ attestation: { cnf: { jwk: privateJwk } } }), 401, "invalid_client_attestation", "client attestation rejected: cnf.jwk must be an RSA, EC or OKP public key");
    });

    test("no PoP header, a DPoP proof instead of one, or two attestation headers → 401 invalid_client_attestation", async () => {
      const { "oauth-client-attestation": attestation } = await headers();
      await refused({ "oauth-client-attestation": attestation! }, 401, "invalid_client_attestation", "exactly one OAuth-Client-Attestation-PoP header is required");
      await refused({ "oauth-client-attestation": attestation!, dpop: "x.y.z" }, 401, "invalid_client_attestation", "DPoP combined mode is not supported: send an OAuth-Client-Attestation-PoP header");
      await refused({ "oauth-client-attestation-pop": "x.y.z" }, 401, "invalid_client_attestation", "exactly one OAuth-Client-Attestation header is required");
    });
  });

  describe("P93: the PoP", () => {
    test("wrong aud, an array aud, or the token endpoint → 401 invalid_client_attestation", async () => {
      for (const aud of ["https://other.example", [t.issuer, "https://other.example"], `${t.issuer}/token`]) {
        await refused(await headers({ pop: { aud } }), 401, "invalid_client_attestation", "client attestation PoP rejected: aud must be the issuer identifier");
      }
    });

    test("signed with another key than cnf.jwk → 401 invalid_client_attestation", async () => {
      const h = await headers();
      h["oauth-client-attestation-pop"] = await signAttestationPop(stranger, t.issuer, now());
      await refused(h, 401, "invalid_client_attestation", "client attestation PoP rejected: signature is invalid");
    });

    test("iat too old or in the future, missing jti → 401 invalid_client_attestation", async () => {
      await refused(await headers({ pop: { iat: now() - 91 } }), 401, "invalid_client_attestation", "client attestation PoP rejected: iat is too far in the past");
      await refused(await headers({ pop: { iat: now() + 31 } }), 401, "invalid_client_attestation", "client attestation PoP rejected: iat is in the future");
      await refused(await headers({ pop: { jti: undefined } }), 401, "invalid_client_attestation", "client attestation PoP rejected: jti is missing");
    });

    test("replayed jti → 401 invalid_client_attestation", async () => {
      const h = await headers();
      assert.equal((await token(h)).status, 200);
      await refused(h, 401, "invalid_client_attestation", "client attestation PoP rejected: jti was already used");
    });

    test("parallel replays of one PoP: exactly one wins", async () => {
      const h = await headers();
      const statuses = await Promise.all(Array.from({ length: 12 }, () => token(h).then((res) => res.status)));
      assert.deepEqual(statuses.filter((s) => s === 200).length, 1, statuses.join(","));
      assert.deepEqual(statuses.filter((s) => s !== 200), Array(11).fill(401));
    });

    test("a challenge from /challenge is accepted once; replayed or unknown → 400 use_attestation_challenge with a fresh one", async () => {
      const challenge = ((await (await fetch(`${t.publicUrl}/challenge`, { method: "POST" })).json()) as { attestation_challenge: string }).attestation_challenge;
      assert.equal((await token(await headers({ pop: { challenge } }))).status, 200);
      for (const reused of [challenge, "made-up"]) {
        const res = await token(await headers({ pop: { challenge: reused } }));
        const fresh = res.headers.get(CHALLENGE_HEADER);
        const body = await expectOAuthError(res, 400, "use_attestation_challenge");
        assert.equal(body.error_description, "the challenge is unknown, expired or already used");
        assert.ok(fresh && fresh !== challenge, "a fresh challenge in OAuth-Client-Attestation-Challenge");
        assert.equal((await token(await headers({ pop: { challenge: fresh } }))).status, 200);
      }
    });
  });

  test("at /par and /introspect too", async () => {
    const par = await t.postForm("/par", { response_type: "code", redirect_uri: "https://app.example.com/cb", scope: "openid", client_id: webClientId }, await headers({ client: webClientId }));
    assert.equal(par.status, 201, await par.clone().text());
    const accessToken = ((await (await token(await headers())).json()) as { access_token: string }).access_token;
    const introspected = await t.postForm("/introspect", { token: accessToken }, await headers());
    assert.equal(introspected.status, 200);
    assert.equal(((await introspected.json()) as { active: boolean }).active, true);
  });

  test("another client's registered method cannot be used with an attestation; a public client sending one is refused", async () => {
    const publicClient = (await t.createClient({ grant_types: ["authorization_code"], redirect_uris: ["https://app.example.com/cb"], token_endpoint_auth_method: "none" })).client_id;
    const res = await t.postForm("/par", { response_type: "code", redirect_uri: "https://app.example.com/cb", client_id: publicClient, code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" }, await headers({ client: publicClient }));
    const body = await expectOAuthError(res, 401, "invalid_client");
    assert.equal(body.error_description, "client authentication method does not match the registered one");
  });

  test("a client registering attest_jwt_client_auth with refresh_token is refused (no instance-key binding yet, §10.3)", async () => {
    await assert.rejects(t.createClient({ grant_types: ["authorization_code", "refresh_token"], redirect_uris: ["https://app.example.com/cb"], token_endpoint_auth_method: METHOD }), (e: Error) =>
      /cannot use refresh_token yet/.test(e.message),
    );
  });

  test("/challenge answers 200 no-store with an attestation_challenge; discovery advertises the method, algs and endpoint", async () => {
    const res = await fetch(`${t.publicUrl}/challenge`, { method: "POST" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.deepEqual(Object.keys((await res.json()) as object), ["attestation_challenge"]);
    const metadata = (await (await fetch(`${t.publicUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.ok((metadata.token_endpoint_auth_methods_supported as string[]).includes(METHOD));
    assert.equal(metadata.challenge_endpoint, `${t.issuer}/challenge`);
    for (const member of ["client_attestation_signing_alg_values_supported", "client_attestation_pop_signing_alg_values_supported"]) {
      assert.ok((metadata[member] as string[]).includes("ES256") && !(metadata[member] as string[]).includes("HS256"), member);
    }
  });
});

describe("client attestation with challenges required (plugin option requireChallenge)", () => {
  const clock = new FakeClock();
  const attester = testKey("ES256");
  const instance = testKey("ES256");
  let t: TestApp;
  let clientId = "";

  before(async () => {
    t = await startTestApp({ authFailureLimit: "1000", pluginOptions: JSON.stringify({ "client-auth.attest-jwt-client-auth": { requireChallenge: true } }) }, { clock });
    await t.createResource(API, "api:read");
    clientId = (await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: METHOD, scope: "api:read" })).client_id;
    await t.app.container.resolve(TrustedIssuerService).put({ issuer: ATTESTER, uses: ["client-attestation"], allowedClients: [clientId], subjectMapping: "pass-through", jwks: { keys: [attester.publicJwk] } });
  });
  after(() => t.stop());

  test("without a challenge → 400 use_attestation_challenge with one; the retry with it succeeds (§6.1)", async () => {
    const now = Math.floor(clock.now() / 1000);
    const attestation = await signClientAttestation(attester, instance, clientId, now, { exp: now + 300 });
    const first = await t.postForm("/token", { grant_type: "client_credentials" }, attestationHeaders(attestation, await signAttestationPop(instance, t.issuer, now)));
    const challenge = first.headers.get(CHALLENGE_HEADER);
    const body = await expectOAuthError(first, 400, "use_attestation_challenge");
    assert.equal(body.error_description, "a challenge from the challenge endpoint is required");
    assert.ok(challenge);
    const retry = await t.postForm("/token", { grant_type: "client_credentials" }, attestationHeaders(attestation, await signAttestationPop(instance, t.issuer, now, { challenge })));
    assert.equal(retry.status, 200);
  });

  test("a challenge past its lifetime (5 minutes) → 400 use_attestation_challenge", async () => {
    const challenge = ((await (await fetch(`${t.publicUrl}/challenge`, { method: "POST" })).json()) as { attestation_challenge: string }).attestation_challenge;
    clock.advance(300_001);
    const now = Math.floor(clock.now() / 1000);
    const headers = attestationHeaders(await signClientAttestation(attester, instance, clientId, now, { exp: now + 300 }), await signAttestationPop(instance, t.issuer, now, { challenge }));
    await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, headers), 400, "use_attestation_challenge");
  });
});
