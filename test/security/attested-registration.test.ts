import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InitialAccessTokens } from "../../src/core/clients/initial-access-tokens.js";
import { TrustedIssuerService } from "../../src/core/trust/trusted-issuer.service.js";
import { ATTESTER, signClientAttestation, testKey } from "../support/client-attestation-fixtures.js";
import { FakeClock } from "../support/fake-clock.js";
import { expectOAuthError } from "../support/oauth-assertions.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const CLIENT = { grant_types: ["client_credentials"], client_name: "Attested" };
const FORMAT = "oauth-client-attestation+jwt";

/**
 * Security corpus P93, attested dynamic client registration (our pinned reading of the expired
 * draft-tschofenig-oauth-attested-dclient-reg-01): `evidence` {format, value} appraised by the attestation verifier of
 * its format and bound to a challenge from /challenge; without valid evidence when required → 400 invalid_client_metadata.
 */
describe("attested registration (corpus P93)", () => {
  const clock = new FakeClock();
  const attester = testKey("ES256");
  const instance = testKey("ES256");
  const stranger = testKey("ES256");
  let t: TestApp;
  let required = "";
  let plain = "";

  const now = () => Math.floor(clock.now() / 1000);
  const challenge = async () => ((await (await fetch(`${t.publicUrl}/challenge`, { method: "POST" })).json()) as { attestation_challenge: string }).attestation_challenge;
  /** A passport-model attestation result: a Client Attestation JWT about the app instance that binds a fresh challenge. */
  const evidence = async (claims: Record<string, unknown> = {}, key = attester) => ({ format: FORMAT, value: await signClientAttestation(key, instance, "com.example.app", now(), { challenge: await challenge(), ...claims }) });
  const register = (body: Record<string, unknown>, token = required) =>
    fetch(`${t.publicUrl}/register`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
  const refused = async (body: Record<string, unknown>, description: string, token = required) => {
    const res = await expectOAuthError(await register(body, token), 400, "invalid_client_metadata");
    assert.equal(res.error_description, description);
  };

  before(async () => {
    t = await startTestApp({}, { clock });
    await t.app.container.resolve(TrustedIssuerService).put({ issuer: ATTESTER, uses: ["client-attestation"], subjectMapping: "pass-through", jwks: { keys: [attester.publicJwk] }, maxLifetime: 86_400 });
    const tokens = t.app.container.resolve(InitialAccessTokens);
    required = (await tokens.create(undefined, { requireEvidence: true })).token;
    plain = (await tokens.create()).token;
  });
  after(() => t.stop());

  test("valid evidence bound to a challenge registers the client; evidence is not stored as metadata", async () => {
    const res = await register({ ...CLIENT, evidence: await evidence() });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal(((await res.json()) as Record<string, unknown>).evidence, undefined);
  });

  test("P93: no evidence when the initial access token requires it → 400 invalid_client_metadata", async () => {
    await refused(CLIENT, "evidence is required");
    assert.equal((await register(CLIENT, plain)).status, 201);
  });

  test("P93: bad signature, untrusted attester, expired → 400 invalid_client_metadata", async () => {
    const forged = await evidence();
    forged.value = `${forged.value.slice(0, forged.value.lastIndexOf("."))}.${"A".repeat(86)}`;
    await refused({ ...CLIENT, evidence: forged }, "evidence rejected: signature is invalid");
    await refused({ ...CLIENT, evidence: await evidence({ iss: "https://rogue.example" }, stranger) }, "evidence rejected: iss is not a trusted issuer");
    await refused({ ...CLIENT, evidence: await evidence({ iat: now() - 7200, exp: now() - 3600 }) }, "evidence rejected: exp is in the past");
  });

  test("P93: no challenge, a replayed one, or one past its 5 minutes → 400 invalid_client_metadata", async () => {
    await refused({ ...CLIENT, evidence: await evidence({ challenge: undefined }) }, "evidence rejected: it binds no challenge from the challenge endpoint");
    const once = await evidence();
    assert.equal((await register({ ...CLIENT, evidence: once })).status, 201);
    await refused({ ...CLIENT, evidence: once }, "evidence rejected: the challenge is unknown, expired or already used");
    const stale = await evidence();
    clock.advance(300_000);
    await refused({ ...CLIENT, evidence: stale }, "evidence rejected: the challenge is unknown, expired or already used");
  });

  test("an unknown format or a malformed evidence member → 400 invalid_client_metadata; presented evidence is checked even when not required", async () => {
    await refused({ ...CLIENT, evidence: { format: "android-key-attestation", value: "MIIB" } }, "evidence rejected: no verifier for this evidence format");
    for (const bad of ["eyJ.x.y", { value: "x" }, { format: FORMAT }]) await refused({ ...CLIENT, evidence: bad }, "evidence rejected: evidence must be an object with format and value");
    await refused({ ...CLIENT, evidence: await evidence({}, stranger) }, "evidence rejected: no key of the issuer matches the kid and alg", plain);
  });
});

describe("attested registration required by the server (REQUIRE_REGISTRATION_EVIDENCE) with open registration", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ openRegistration: "true", requireRegistrationEvidence: "true" });
  });
  after(() => t.stop());

  test("no evidence → 400 invalid_client_metadata", async () => {
    const res = await fetch(`${t.publicUrl}/register`, { method: "POST", body: JSON.stringify(CLIENT), headers: { "content-type": "application/json" } });
    const body = await expectOAuthError(res, 400, "invalid_client_metadata");
    assert.equal(body.error_description, "evidence is required");
  });
});
