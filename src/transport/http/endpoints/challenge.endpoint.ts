import { inject, injectable } from "tsyringe";
import { AttestationChallengeService } from "../../../core/attestation/attestation-challenges.service.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";

/**
 * POST /challenge (draft-ietf-oauth-attestation-based-client-auth-11 §6.3): a fresh challenge for a Client Attestation
 * PoP JWT or for the evidence of an attested registration. Issuing stores nothing (the challenge is sealed), so it
 * needs no rate limit; a body, when sent, is ignored.
 */
@injectable()
export class ChallengeEndpoint implements HttpEndpoint {
  readonly path = "/challenge";
  readonly methods = ["POST"] as const;
  readonly body = { POST: "optional-form" } as const;

  constructor(@inject(AttestationChallengeService) private readonly challenges: AttestationChallengeService) {}

  async handle(): Promise<EndpointResponse> {
    return { status: 200, headers: noStore, body: { attestation_challenge: this.challenges.issue() } };
  }
}
