import { decodeProtectedHeader, type JWK } from "jose";
import {
  ClientAttestationTypes,
  inject,
  injectable,
  PluginTokens,
  type AttestationContext,
  type AttestationEvidence,
  type AttestationFailure,
  type AttestationResult,
  type AttestationVerifier,
  type TrustedIssuers,
  type TrustedJwtFailure,
} from "portcullis/plugin-sdk";

/** How each trusted-issuer refusal reads for an attestation; anything else is "invalid". */
const REASONS: Partial<Record<TrustedJwtFailure, AttestationFailure>> = {
  malformed: "malformed",
  algorithm_not_allowed: "invalid_signature",
  untrusted_issuer: "untrusted_attester",
  use_not_allowed: "untrusted_attester",
  client_not_allowed: "untrusted_attester",
  keys_unavailable: "keys_unavailable",
  invalid_signature: "invalid_signature",
  expired: "expired",
};
/** Key types of the asymmetric algs (RFC 7518 §6) and the members only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PUBLIC_KEY_TYPES: ReadonlySet<unknown> = new Set(["RSA", "EC", "OKP"]);
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

const refuse = (reason: AttestationFailure, description: string): AttestationResult => ({ ok: false, reason, description });

/** The JWS `typ`, lower-cased without an "application/" prefix (RFC 7515 §4.1.9), or undefined when the header is unreadable. */
function typOf(jwt: string): string | undefined {
  try {
    const typ = decodeProtectedHeader(jwt).typ;
    return typeof typ === "string" ? typ.toLowerCase().replace(/^application\//, "") : undefined;
  } catch {
    return undefined;
  }
}

/** `cnf.jwk` when it is an RSA, EC or OKP public key (RFC 7800 §3.2; the draft's §7.1 item 5: never a private key). */
function instanceKeyOf(cnf: unknown): JWK | undefined {
  const jwk = (cnf as { jwk?: unknown } | null)?.jwk as Record<string, unknown> | undefined;
  if (typeof jwk !== "object" || jwk === null || !PUBLIC_KEY_TYPES.has(jwk.kty)) return undefined;
  return PRIVATE_MEMBERS.some((member) => member in jwk) ? undefined : (jwk as JWK);
}

/**
 * Client Attestation JWTs (draft-ietf-oauth-attestation-based-client-auth-11 §4, §7.1) signed by an attester the
 * operator trusts for "client-attestation" in the trusted-issuer registry (§10.8 "pre-shared configuration": the
 * attester is named by `iss`, its keys by `kid`). Also a passport-model attestation result for attested registration.
 */
@injectable()
export class JwtAttestationVerifier implements AttestationVerifier {
  readonly id = "jwt";
  readonly formats = [ClientAttestationTypes.attestation] as const;

  constructor(@inject(PluginTokens.TrustedIssuers) private readonly issuers: TrustedIssuers) {}

  /** typ, then the registry (attester, use, client, signature, exp, iat), then `sub` = the client and a public `cnf.jwk`. */
  async verify(evidence: AttestationEvidence, context: AttestationContext): Promise<AttestationResult> {
    if (typeof evidence.value !== "string") return refuse("malformed", "the attestation must be a compact JWT");
    if (typOf(evidence.value) !== ClientAttestationTypes.attestation) return refuse("malformed", `typ must be ${ClientAttestationTypes.attestation}`);
    const result = await this.issuers.verify(evidence.value, { use: "client-attestation", clientId: context.clientId, audiences: null, singleUse: false, subject: "required" });
    if (!result.ok) return refuse(REASONS[result.reason] ?? "invalid", result.description);
    const { jwt } = result;
    if (context.clientId !== null && jwt.subject !== context.clientId) return refuse("wrong_client", "sub is not the client_id");
    const instanceKey = instanceKeyOf(jwt.claims.cnf);
    if (!instanceKey) return refuse("invalid", "cnf.jwk must be an RSA, EC or OKP public key");
    const { challenge } = jwt.claims;
    return {
      ok: true,
      attestation: {
        attester: jwt.issuer,
        clientId: jwt.subject,
        instanceKey,
        expiresAt: jwt.expiresAt,
        ...(typeof challenge === "string" && { challenge }),
        claims: jwt.claims,
      },
    };
  }
}
