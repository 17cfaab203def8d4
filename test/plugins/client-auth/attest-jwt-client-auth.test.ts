import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AttestJwtClientAuth } from "../../../plugins/client-auth/attest-jwt-client-auth/attest-jwt-client-auth.client-auth.js";
import type { AttestationChallenges, AttestationResult, Attestations } from "../../../src/plugin-sdk/attestation.js";
import { memorySingleUseStore } from "../../../src/plugin-sdk/testing/index.js";
import { endpointRequest, expectOAuthError, ISSUER } from "../../core/clients/auth-fixtures.js";
import { attestationHeaders, signAttestationPop, signClientAttestation, testKey } from "../../support/client-attestation-fixtures.js";
import { StubContext } from "./stub-context.js";

const NOW_MS = Date.UTC(2026, 10, 28, 12);
const NOW = NOW_MS / 1000;
const instance = testKey("ES256");
const attester = testKey("ES256");
const { kid: _kid, ...instanceJwk } = instance.publicJwk;

/** Attestations answering `result` (the attestation verifier is tested on its own), recording each call. */
function attestations(result: AttestationResult = { ok: true, attestation: { attester: "a", clientId: "app", instanceKey: instanceJwk, claims: {} } }) {
  const calls: unknown[] = [];
  return { calls, verify: async (...args: unknown[]) => (calls.push(args), result) } as Attestations & { calls: unknown[] };
}
/** Challenges "c-1", "c-2" … of which each is accepted once. */
function challenges(): AttestationChallenges {
  let issued = 0;
  const open = new Set<string>();
  return {
    issue: () => {
      const challenge = `c-${++issued}`;
      open.add(challenge);
      return challenge;
    },
    consume: async (challenge) => open.delete(challenge),
  };
}
const plugin = (options: Record<string, unknown> = {}, verifier: Attestations = attestations(), store = memorySingleUseStore(() => NOW_MS), chal = challenges()) =>
  new AttestJwtClientAuth(verifier, chal, store, ISSUER, { now: () => NOW_MS }, 30, options);
const request = async (pop: Record<string, unknown> = {}, params: Record<string, string> = {}) =>
  endpointRequest(params, attestationHeaders(await signClientAttestation(attester, instance, "app", NOW), await signAttestationPop(instance, ISSUER, NOW, pop)));

describe("attest_jwt_client_auth (draft-ietf-oauth-attestation-based-client-auth-11 §7.5)", () => {
  it("detects either attestation header; the claimed client is client_id, else the attestation's sub", async () => {
    const p = plugin();
    assert.equal(p.detect(endpointRequest({ client_id: "app" })), false);
    assert.equal(p.detect(endpointRequest({}, { "oauth-client-attestation-pop": "x" })), true);
    const req = await request();
    assert.equal(p.detect(req), true);
    assert.equal(p.claimedClientId(req), "app");
    assert.equal(p.claimedClientId(await request({}, { client_id: "named" })), "named");
  });

  it("appraises the attestation by its typ for the claimed client, then checks the PoP with cnf.jwk", async () => {
    const verifier = attestations();
    const result = await plugin({}, verifier).authenticate(await request(), new StubContext(["app"]));
    assert.deepEqual([result.client.clientId, result.method], ["app", "attest_jwt_client_auth"]);
    const [[evidence, context]] = verifier.calls as [[{ format: string }, unknown]];
    assert.equal(evidence.format, "oauth-client-attestation+jwt");
    assert.deepEqual(context, { purpose: "client-authentication", clientId: "app" });
  });

  it("an expired attestation is use_fresh_attestation, any other refusal invalid_client_attestation, an unknown client invalid_client", async () => {
    const refuse = (reason: "expired" | "untrusted_attester") => attestations({ ok: false, reason, description: reason });
    await expectOAuthError(plugin({}, refuse("expired")).authenticate(await request(), new StubContext(["app"])), "use_fresh_attestation", 401);
    await expectOAuthError(plugin({}, refuse("untrusted_attester")).authenticate(await request(), new StubContext(["app"])), "invalid_client_attestation", 401);
    await expectOAuthError(plugin().authenticate(await request(), new StubContext([])), "invalid_client", 401);
  });

  it("of concurrent uses of one PoP exactly one passes (jti per instance key, atomic)", async () => {
    const p = plugin();
    const req = await request();
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => p.authenticate(req, new StubContext(["app"]))));
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
  });

  it("requireChallenge: none → use_attestation_challenge with a fresh one in the header; that one passes once", async () => {
    const p = plugin({ requireChallenge: true });
    const error = await expectOAuthError(p.authenticate(await request(), new StubContext(["app"])), "use_attestation_challenge", 400);
    const fresh = error.headers["oauth-client-attestation-challenge"];
    assert.equal(fresh, "c-1");
    await p.authenticate(await request({ challenge: fresh }), new StubContext(["app"]));
    await expectOAuthError(p.authenticate(await request({ challenge: fresh }), new StubContext(["app"])), "use_attestation_challenge", 400);
  });

  it("the PoP iat window is popMaxAge (+ CLOCK_TOLERANCE); bad options fail at construction", async () => {
    await plugin({ popMaxAge: 300 }).authenticate(await request({ iat: NOW - 320 }), new StubContext(["app"]));
    await expectOAuthError(plugin().authenticate(await request({ iat: NOW - 91 }), new StubContext(["app"])), "invalid_client_attestation", 401);
    for (const options of [{ popMaxAge: 0 }, { popMaxAge: "60" }, { requireChallenge: "yes" }]) assert.throws(() => plugin(options), RangeError);
  });

  it("a client of this method cannot register refresh_token until refresh tokens are bound to the instance key (§10.3)", () => {
    assert.throws(() => plugin().validateMetadata({ grant_types: ["client_credentials", "refresh_token"] }), /cannot use refresh_token yet/);
    plugin().validateMetadata({ grant_types: ["client_credentials"] });
  });
});
