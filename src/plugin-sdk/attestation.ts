import type { JWK } from "jose";

/** Evidence a client presents about itself (RFC 9334 §3: Evidence, or an Attestation Result in the passport model). */
export interface AttestationEvidence {
  /** Selects the verifier: a JWT `typ` such as "oauth-client-attestation+jwt", or a platform format name. */
  readonly format: string;
  /** The evidence as presented: a compact JWT, or a JSON value of the format. */
  readonly value: unknown;
}

/** What this server, the relying party (RFC 9334 §3), expects of the evidence. */
export interface AttestationContext {
  /** The OAuth-Client-Attestation header (attestation-based client authentication) or the `evidence` of a registration request. */
  readonly purpose: "client-authentication" | "registration";
  /** The client the evidence MUST name; null at registration, where no client exists yet. */
  readonly clientId: string | null;
}

/** What a verifier vouches for after checking the evidence (RFC 9334 §3 Attestation Result). */
export interface VerifiedAttestation {
  /** Who vouches: the attester (a JWT `iss`) or the root a platform verifier chained to. */
  readonly attester: string;
  /** The client the evidence is about (`sub`), when it names one. */
  readonly clientId?: string;
  /** The client instance's public key (RFC 7800 `cnf.jwk`): proofs of possession MUST verify with it. */
  readonly instanceKey?: JWK;
  /** Epoch seconds after which the attestation is no longer accepted. */
  readonly expiresAt?: number;
  /** A challenge from this server that the evidence binds (freshness, RFC 9334 §10); the relying party consumes it. */
  readonly challenge?: string;
  /** Every claim the verifier vouches for (software identity, device integrity …). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Why evidence was refused; callers map it to their error (invalid_client_attestation, use_fresh_attestation, invalid_client_metadata). */
export type AttestationFailure =
  | "unsupported_format"
  | "malformed"
  | "untrusted_attester"
  | "invalid_signature"
  | "keys_unavailable"
  | "expired"
  | "wrong_client"
  | "invalid";

/** The verified attestation, or the reason it was refused with a client-safe `description`. */
export type AttestationResult =
  | { readonly ok: true; readonly attestation: VerifiedAttestation }
  | { readonly ok: false; readonly reason: AttestationFailure; readonly description: string };

/**
 * One kind of evidence (DESIGN "Plugin contracts"; ExtensionPoints.attestationVerifiers): a JWT signed by a trusted
 * attester, Android key attestation, Apple App Attest, a TPM quote or an EAT. Verifies and reports what it vouches for;
 * MUST NOT throw for bad evidence (only for outages) and MUST fetch keys only through core capabilities.
 */
export interface AttestationVerifier {
  /** Unique id, e.g. "jwt". */
  readonly id: string;
  /** The evidence formats it understands; a format belongs to one verifier. */
  readonly formats: readonly string[];
  /** Checks `evidence` for `context` (RFC 9334 §5: appraisal of evidence). */
  verify(evidence: AttestationEvidence, context: AttestationContext): Promise<AttestationResult>;
}

/** Every enabled attestation verifier as one (PluginTokens.Attestations): the one for the evidence's format verifies it. */
export interface Attestations {
  /** The verifier's result; `unsupported_format` when no enabled verifier understands the format. */
  verify(evidence: AttestationEvidence, context: AttestationContext): Promise<AttestationResult>;
}

/**
 * Server-provided challenges (draft-ietf-oauth-attestation-based-client-auth-11 §6; PluginTokens.AttestationChallenges):
 * self-contained, short-lived, accepted once on every node.
 */
export interface AttestationChallenges {
  /** A fresh challenge. */
  issue(): string;
  /** True once for a challenge this server issued that has not expired; false afterwards and for anything else. */
  consume(challenge: string): Promise<boolean>;
}

/** HTTP fields of attestation-based client authentication (draft-ietf-oauth-attestation-based-client-auth-11 §15.8), lower-cased. */
export const ClientAttestationHeaders = Object.freeze({
  attestation: "oauth-client-attestation",
  pop: "oauth-client-attestation-pop",
  challenge: "oauth-client-attestation-challenge",
} as const);

/** JWT `typ` values of the Client Attestation JWT (§4) and the Client Attestation PoP JWT (§5.1). */
export const ClientAttestationTypes = Object.freeze({
  attestation: "oauth-client-attestation+jwt",
  pop: "oauth-client-attestation-pop+jwt",
} as const);
