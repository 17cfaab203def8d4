import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { DI } from "../../di-tokens.js";
import { jwkThumbprint } from "../../keys/jwk-thumbprint.js";
import { decodeObject, isCompactJws } from "../../keys/jwt-verifier.js";
import { privateMemberOf } from "../../keys/public-jwk.js";
import type { Clock } from "../../ports/clock.js";
import type { EphemeralStore } from "../../ports/ephemeral-store.js";
import { secretDigest } from "../../security/digest.js";
import { existedBy } from "../../security/existed-by.js";
import { isDpopAlg, keyFitsAlg, verifiesSignature } from "./dpop-algorithms.js";
import { normalizedHtu } from "./dpop-htu.js";
import { DpopNonces } from "./dpop-nonces.js";

/** The request a DPoP proof must match (RFC 9449 §4.3). */
export interface DpopProofCheck {
  /** Every `DPoP` header value of the request; exactly one is accepted (§4.3 step 1). */
  proofs: readonly string[];
  method: string;
  /** The URL the request reached, as the server's public origin names it. */
  url: string;
  /** At a protected resource: the access token that `ath` must hash (§4.3 step 12, §7.1). */
  accessToken?: string;
}

/** Why a proof was refused: `use_dpop_nonce` carries the nonce to send in `DPoP-Nonce` (RFC 9449 §8, §9). */
export interface DpopProofFailure {
  valid: false;
  error: "invalid_dpop_proof" | "use_dpop_nonce";
  /** Client-safe; names the rule. */
  description: string;
  nonce?: string;
}

/** A proof that passed every check: the RFC 7638 thumbprint of its key (RFC 9449 §6.1 `jkt`). */
export type DpopProofResult = { valid: true; jkt: string } | DpopProofFailure;

const TYP = "dpop+jwt";
const MAX_JTI_LENGTH = 512;
const invalid = (description: string): DpopProofFailure => ({ valid: false, error: "invalid_dpop_proof", description });
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** The proof's replay-cache key: normalised `htm` and `htu` with the `jti`, hashed (RFC 9449 §11.1). */
export const dpopReplayKey = (htm: string, htu: string, jti: string) => `dpop-jti:${secretDigest(`${htm}\n${htu}\n${jti}`)}`;

/**
 * The one DPoP proof verifier (RFC 9449 §4.3) of the token endpoint, PAR, plugin endpoints, /userinfo and ValidateToken:
 * a single `dpop+jwt` compact JWS signed with an accepted asymmetric alg by the public `jwk` in its header, `htm` and `htu`
 * of this request, a server nonce when DPOP_NONCE_REQUIRED, `iat` within DPOP_PROOF_MAX_AGE (+ CLOCK_TOLERANCE either
 * way), `nbf`/`exp` when present, `ath` at a resource, and last a `jti` seen once on every node (SET NX PX). Unknown
 * header parameters and claims are ignored (§4.2). MUST NOT throw on hostile input: every refusal is a returned failure.
 */
@injectable()
export class DpopProofVerifier {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DpopNonces) private readonly nonces: DpopNonces,
  ) {}

  async verify(check: DpopProofCheck): Promise<DpopProofResult> {
    if (check.proofs.length !== 1) return invalid(check.proofs.length === 0 ? "a DPoP proof is required" : "exactly one DPoP header is allowed");
    const proof = check.proofs[0]!;
    if (!isCompactJws(proof)) return invalid("the DPoP proof is not a compact JWS");
    const [encodedHeader, encodedPayload, encodedSignature] = proof.split(".") as [string, string, string];
    const header = decodeObject(encodedHeader);
    const claims = decodeObject(encodedPayload);
    if (!header || !claims) return invalid("the DPoP proof is not a JWT");
    const key = this.keyOf(header);
    if (!("object" in key)) return key;
    const signingInput = Buffer.from(proof.slice(0, encodedHeader.length + 1 + encodedPayload.length));
    if (!verifiesSignature(header.alg as string, key.object, signingInput, Buffer.from(encodedSignature, "base64url"))) return invalid("the DPoP proof signature does not verify");
    const { jti, htm, htu, iat } = claims;
    if (typeof jti !== "string" || jti.length === 0 || jti.length > MAX_JTI_LENGTH) return invalid(`jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
    if (typeof htm !== "string" || typeof htu !== "string" || !isTime(iat)) return invalid("htm, htu and iat are required");
    if (htm !== check.method) return invalid("htm does not match the request method");
    const target = normalizedHtu(check.url);
    if (target === undefined || normalizedHtu(htu) !== target) return invalid("htu does not match the request URL");
    const nonce = await this.nonceFailure(claims.nonce);
    if (nonce) return nonce;
    const time = this.timeFailure(claims);
    if (time) return time;
    if (check.accessToken !== undefined && claims.ath !== createHash("sha256").update(check.accessToken).digest("base64url")) {
      return invalid("ath must be the hash of the access token");
    }
    const remembered = (this.config.dpopProofMaxAge + 2 * this.config.clockTolerance) * 1000;
    if (!(await this.store.firstUse(dpopReplayKey(htm, target, jti), remembered, existedBy({ iat: iat as number }, this.config.clockTolerance)))) return invalid("the DPoP proof was already used");
    return { valid: true, jkt: key.jkt };
  }

  /** `typ`, `alg`, no `crit`, and a public `jwk` that fits the alg (RFC 9449 §4.3 steps 4–7). */
  private keyOf(header: Record<string, unknown>): { object: KeyObject; jkt: string } | DpopProofFailure {
    if (typeof header.typ !== "string" || header.typ.toLowerCase() !== TYP) return invalid(`typ must be ${TYP}`);
    if (!isDpopAlg(header.alg)) return invalid("alg must be an asymmetric algorithm this server supports");
    if (header.crit !== undefined) return invalid("crit header parameters are not supported");
    const jwk = header.jwk;
    if (!isObject(jwk)) return invalid("the jwk header parameter is required");
    if (privateMemberOf(jwk) !== undefined) return invalid("jwk must be a public key");
    let object: KeyObject;
    try {
      object = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
    } catch {
      return invalid("jwk is not a valid public key");
    }
    if (!keyFitsAlg(header.alg, object)) return invalid("jwk does not fit alg");
    return { object, jkt: jwkThumbprint(jwk as JsonWebKey) };
  }

  /** Under DPOP_NONCE_REQUIRED, a current server nonce (RFC 9449 §8: use_dpop_nonce with a fresh one). */
  private async nonceFailure(nonce: unknown): Promise<DpopProofFailure | undefined> {
    if (!this.config.dpopNonceRequired || (await this.nonces.isFresh(nonce))) return undefined;
    const description = nonce === undefined ? "a DPoP nonce is required" : "the DPoP nonce is stale or unknown";
    return { valid: false, error: "use_dpop_nonce", description, nonce: await this.nonces.current() };
  }

  /** `iat` within the window (RFC 9449 §11.1); `nbf` and `exp`, which DPoP does not define, honoured when present (RFC 7519 §4.1). */
  private timeFailure(claims: Record<string, unknown>): DpopProofFailure | undefined {
    const now = this.clock.now() / 1000;
    const tolerance = this.config.clockTolerance;
    const iat = claims.iat as number;
    if (iat > now + tolerance) return invalid("iat is in the future");
    if (iat < now - this.config.dpopProofMaxAge - tolerance) return invalid("iat is too old");
    const { nbf, exp } = claims;
    if (nbf !== undefined && (!isTime(nbf) || nbf > now + tolerance)) return invalid("nbf is in the future or not a number");
    if (exp !== undefined && (!isTime(exp) || exp <= now - tolerance)) return invalid("exp has passed or is not a number");
    return undefined;
  }
}
