import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { VerifiedAttestation } from "../../plugin-sdk/attestation.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { AttestationChallengeService } from "../attestation/attestation-challenges.service.js";
import { AttestationVerifierChain } from "../attestation/attestation-verifiers.js";
import { DI } from "../di-tokens.js";
import type { RegistrationPolicy } from "./registration-policy.js";

const rejected = (description: string) => OAuthErrors.invalidClientMetadata(`evidence rejected: ${description}`);

/**
 * Attested dynamic client registration, our pinned reading of the expired draft-tschofenig-oauth-attested-dclient-reg-01:
 * the request member `evidence` is `{"format", "value"}`, appraised by the attestation verifier of that format (RATS
 * background-check model: platform evidence; passport model: an attestation result such as a Client Attestation JWT),
 * and it must bind a challenge from POST /challenge, consumed here (freshness, RFC 9334 §10). Presented evidence is
 * always checked; it is required when the initial access token or REQUIRE_REGISTRATION_EVIDENCE says so. Every failure
 * is 400 `invalid_client_metadata` naming the rule.
 */
@injectable()
export class RegistrationEvidence {
  constructor(
    @inject(AttestationVerifierChain) private readonly verifiers: AttestationVerifierChain,
    @inject(AttestationChallengeService) private readonly challenges: AttestationChallengeService,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** The appraised evidence of the registration request `body`, or undefined when none was presented nor required. */
  async check(body: unknown, policy: RegistrationPolicy): Promise<VerifiedAttestation | undefined> {
    const evidence = (body as { evidence?: unknown } | null)?.evidence;
    if (evidence === undefined || evidence === null) {
      if (policy.requireEvidence || this.config.requireRegistrationEvidence) throw OAuthErrors.invalidClientMetadata("evidence is required");
      return undefined;
    }
    const { format, value } = evidence as { format?: unknown; value?: unknown };
    if (typeof evidence !== "object" || typeof format !== "string" || value === undefined) throw rejected("evidence must be an object with format and value");
    const result = await this.verifiers.verify({ format, value }, { purpose: "registration", clientId: null });
    if (!result.ok) throw rejected(result.description);
    const { challenge } = result.attestation;
    if (challenge === undefined) throw rejected("it binds no challenge from the challenge endpoint");
    if (!(await this.challenges.consume(challenge))) throw rejected("the challenge is unknown, expired or already used");
    return result.attestation;
  }
}
