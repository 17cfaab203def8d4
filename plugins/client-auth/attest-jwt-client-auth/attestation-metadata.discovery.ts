import { TRUSTED_JWT_ALGORITHMS, type DiscoveryContributor } from "portcullis/plugin-sdk";

/**
 * The algs of Client Attestation and PoP JWTs (draft-ietf-oauth-attestation-based-client-auth-11 §8: MUST be published
 * when the PoP JWT mechanism is used). The challenge endpoint is core's (`challenge_endpoint`).
 */
export class AttestationMetadata implements DiscoveryContributor {
  readonly id = "client-attestation-algorithms";

  members(): Readonly<Record<string, unknown>> {
    return {
      client_attestation_signing_alg_values_supported: [...TRUSTED_JWT_ALGORITHMS],
      client_attestation_pop_signing_alg_values_supported: [...TRUSTED_JWT_ALGORITHMS],
    };
  }
}
