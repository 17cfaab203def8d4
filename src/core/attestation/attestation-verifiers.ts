import { inject, injectable, type InjectionToken } from "tsyringe";
import type { AttestationContext, AttestationEvidence, AttestationResult, Attestations, AttestationVerifier } from "../../plugin-sdk/attestation.js";

/** The enabled attestation verifiers by evidence format (registered by the composition root as a value). */
export const AttestationVerifiersToken: InjectionToken<ReadonlyMap<string, AttestationVerifier>> = Symbol("AttestationVerifiers");

/** Every enabled attestation verifier as one (RFC 9334 §5): the verifier of the evidence's format appraises it; the result is frozen. */
@injectable()
export class AttestationVerifierChain implements Attestations {
  constructor(@inject(AttestationVerifiersToken) private readonly verifiers: ReadonlyMap<string, AttestationVerifier>) {}

  async verify(evidence: AttestationEvidence, context: AttestationContext): Promise<AttestationResult> {
    const verifier = typeof evidence.format === "string" ? this.verifiers.get(evidence.format) : undefined;
    if (!verifier) return Object.freeze({ ok: false, reason: "unsupported_format", description: "no verifier for this evidence format" });
    const result = await verifier.verify(evidence, Object.freeze({ ...context }));
    return result.ok ? Object.freeze({ ok: true, attestation: Object.freeze({ ...result.attestation }) }) : Object.freeze({ ...result });
  }
}
