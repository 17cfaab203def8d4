import { createHash } from "node:crypto";
import { calculateJwkThumbprint, decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK, type JWTPayload } from "jose";
import { ClientAttestationHeaders, ClientAttestationTypes, OAuthErrors, TRUSTED_JWT_ALGORITHMS, type AttestationChallenges, type SingleUseStore } from "portcullis/plugin-sdk";

/** Longest accepted `jti`. */
const MAX_JTI_LENGTH = 256;
const ALGORITHMS: ReadonlySet<string> = new Set(TRUSTED_JWT_ALGORITHMS);

/** The local policy of §7.2: this server's issuer, the accepted `iat` window and whether every PoP needs a challenge. */
export interface PopPolicy {
  issuer: string;
  /** Seconds a PoP is accepted after its `iat` (§7.2 item 6). */
  maxAge: number;
  /** CLOCK_TOLERANCE, seconds. */
  clockTolerance: number;
  /** Every PoP must carry a challenge from this server (§6.1). */
  requireChallenge: boolean;
  /** Epoch ms. */
  now(): number;
}

const invalid = (description: string) => OAuthErrors.invalidClientAttestation(`client attestation PoP rejected: ${description}`);

/** A jose verification error as a client-safe description. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return error.claim === "iat" ? "iat is too far in the past" : "exp is in the past";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return `${error.claim} is missing`;
    if (error.claim === "typ") return `typ must be ${ClientAttestationTypes.pop}`;
    return error.claim === "iat" ? "iat is in the future" : `${error.claim} is not valid`;
  }
  return "signature is invalid";
}

/**
 * The Client Attestation PoP JWT (draft-ietf-oauth-attestation-based-client-auth-11 §5.1, §7.2, §12.1): typ, an
 * asymmetric alg, a signature by the attested instance key (`cnf.jwk`), `aud` exactly this issuer, `iat` within the
 * window, `jti` once per instance key (atomic on every node), and a challenge of this server when present or required.
 */
export class AttestationPopVerifier {
  constructor(
    private readonly policy: PopPolicy,
    private readonly singleUse: SingleUseStore,
    private readonly challenges: AttestationChallenges,
  ) {}

  /** Throws 401 `invalid_client_attestation`, or 400 `use_attestation_challenge` with a fresh challenge (§6.1). */
  async verify(pop: string, instanceKey: JWK): Promise<void> {
    const claims = await this.signedClaims(pop, instanceKey);
    if (claims.aud !== this.policy.issuer) throw invalid("aud must be the issuer identifier");
    if (typeof claims.jti !== "string" || claims.jti === "" || claims.jti.length > MAX_JTI_LENGTH) throw invalid(`jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
    if (!(await this.firstUse(claims.jti, instanceKey, claims.iat as number))) throw invalid("jti was already used");
    await this.checkChallenge(claims.challenge);
  }

  private async signedClaims(pop: string, instanceKey: JWK): Promise<JWTPayload> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(pop).alg;
    } catch {
      throw invalid("not a well-formed signed JWT");
    }
    if (typeof alg !== "string" || !ALGORITHMS.has(alg)) throw invalid("alg must be RS*, PS*, ES* or EdDSA");
    try {
      const key = await importJWK(instanceKey, alg);
      const { payload } = await jwtVerify(pop, key, {
        algorithms: [alg],
        typ: ClientAttestationTypes.pop,
        requiredClaims: ["aud", "jti", "iat"],
        maxTokenAge: this.policy.maxAge,
        clockTolerance: this.policy.clockTolerance,
        currentDate: new Date(this.policy.now()),
      });
      return payload;
    } catch (error) {
      throw invalid(describe(error));
    }
  }

  /** Records `jti` of this instance key for as long as the PoP would be accepted; false when it was seen (§12.1). */
  private async firstUse(jti: string, instanceKey: JWK, iat: number): Promise<boolean> {
    const instance = await calculateJwkThumbprint(instanceKey);
    const key = `pop-jti:${createHash("sha256").update(`${instance}\u0000${jti}`).digest("base64url")}`;
    const ttl = (iat + this.policy.maxAge + this.policy.clockTolerance) * 1000 - this.policy.now();
    return this.singleUse.putIfAbsent(key, "1", Math.max(1, Math.ceil(ttl)));
  }

  /** A present challenge must be one this server issued and unused; a missing one is an error when required (§6.1, §7.2 item 5). */
  private async checkChallenge(challenge: unknown): Promise<void> {
    if (challenge === undefined && !this.policy.requireChallenge) return;
    if (challenge === undefined) throw this.challengeError("a challenge from the challenge endpoint is required");
    if (typeof challenge !== "string" || !(await this.challenges.consume(challenge))) throw this.challengeError("the challenge is unknown, expired or already used");
  }

  private challengeError(description: string) {
    return OAuthErrors.useAttestationChallenge(description, { headers: { [ClientAttestationHeaders.challenge]: this.challenges.issue() } });
  }
}
