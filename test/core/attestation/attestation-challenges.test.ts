import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { AttestationChallengeService, CHALLENGE_LIFETIME_MS } from "../../../src/core/attestation/attestation-challenges.service.js";
import { AttestationVerifierChain } from "../../../src/core/attestation/attestation-verifiers.js";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import type { AttestationVerifier } from "../../../src/plugin-sdk/attestation.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { FakeClock } from "../../support/fake-clock.js";

async function service() {
  const clock = new FakeClock();
  const { store } = await openEphemeral({ clock });
  return { clock, challenges: new AttestationChallengeService(new AesGcmSealer(randomBytes(32)), clock, store) };
}

describe("AttestationChallengeService (draft-ietf-oauth-attestation-based-client-auth-11 §6, §12.1)", () => {
  it("a challenge is accepted once; another server's, a forged or an altered one never", async () => {
    const { challenges } = await service();
    const other = (await service()).challenges.issue();
    const challenge = challenges.issue();
    assert.equal(await challenges.consume(challenge), true);
    assert.equal(await challenges.consume(challenge), false);
    for (const bad of [other, "v1.AAAA", `${challenge.slice(0, -2)}AA`, "", "x".repeat(600)]) assert.equal(await challenges.consume(bad), false, bad.slice(0, 20));
  });

  it("expires after its lifetime", async () => {
    const { clock, challenges } = await service();
    const [early, late] = [challenges.issue(), challenges.issue()];
    clock.advance(CHALLENGE_LIFETIME_MS - 1);
    assert.equal(await challenges.consume(early), true);
    clock.advance(1);
    assert.equal(await challenges.consume(late), false);
  });

  it("of concurrent uses exactly one is accepted", async () => {
    const { challenges } = await service();
    const challenge = challenges.issue();
    const results = await Promise.all(Array.from({ length: 20 }, () => challenges.consume(challenge)));
    assert.equal(results.filter(Boolean).length, 1);
  });
});

describe("AttestationVerifierChain", () => {
  it("hands the evidence to the verifier of its format; an unknown format is unsupported_format", async () => {
    const verifier: AttestationVerifier = { id: "v", formats: ["f"], verify: async (evidence) => ({ ok: true, attestation: { attester: String(evidence.value), claims: {} } }) };
    const chain = new AttestationVerifierChain(new Map([["f", verifier]]));
    const result = await chain.verify({ format: "f", value: "att" }, { purpose: "registration", clientId: null });
    assert.ok(result.ok && result.attestation.attester === "att" && Object.isFrozen(result.attestation));
    assert.deepEqual(await chain.verify({ format: "g", value: "att" }, { purpose: "registration", clientId: null }), { ok: false, reason: "unsupported_format", description: "no verifier for this evidence format" });
  });
});
