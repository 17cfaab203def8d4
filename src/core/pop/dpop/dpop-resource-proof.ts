import { inject, injectable } from "tsyringe";
import type { ActiveToken } from "../../tokens/access-token.js";
import { DpopProofVerifier } from "./dpop-proof.verifier.js";

/** How a protected-resource request presented its access token (RFC 6750 §2.1, RFC 9449 §7.1). */
export interface PresentedToken {
  /** The `Authorization` scheme, lower-cased (schemes are case-insensitive, RFC 9110 §11.1). */
  scheme: "bearer" | "dpop";
  token: string;
  /** Every `DPoP` header value. */
  proofs: readonly string[];
  method: string;
  url: string;
}

/** Why a protected resource refuses the token (RFC 6750 §3.1, RFC 9449 §7.1, §9); `nonce` goes in `DPoP-Nonce`. */
export interface ResourceProofFailure {
  error: "invalid_token" | "invalid_dpop_proof" | "use_dpop_nonce";
  description: string;
  nonce?: string;
}

/** What the request proved: the DPoP key, for `TokenRequirements.dpopKey`; nothing for a bearer token. */
export type ResourceProof = { dpopKey?: string } | ResourceProofFailure;

const NOTHING_PROVEN: ResourceProof = Object.freeze({});

/** True when the answer is a refusal. */
export const isResourceProofFailure = (proof: ResourceProof): proof is ResourceProofFailure => "error" in proof;

/** True when `DpopResourceProof.check` has work to do: a bearer token without `cnf.jkt` needs none (DESIGN "Hot paths"). */
export function needsDpopCheck(token: ActiveToken, scheme: PresentedToken["scheme"]): boolean {
  return scheme === "dpop" || token.claims.cnf?.jkt !== undefined;
}

/**
 * The DPoP part of a protected-resource check (RFC 9449 §7.1), for /userinfo and ValidateToken alike: a DPoP-bound token
 * only with the DPoP scheme and a proof of this request that hashes the token (`ath`); the DPoP scheme only for a
 * DPoP-bound token. Whether the proof's key is the token's `cnf.jkt` is `unmetRequirement`'s to decide.
 */
@injectable()
export class DpopResourceProof {
  constructor(@inject(DpopProofVerifier) private readonly verifier: DpopProofVerifier) {}

  async check(token: ActiveToken, presented: PresentedToken): Promise<ResourceProof> {
    const bound = token.claims.cnf?.jkt !== undefined;
    if (presented.scheme === "bearer") return bound ? { error: "invalid_token", description: "a DPoP-bound access token must be sent with the DPoP scheme" } : NOTHING_PROVEN;
    if (!bound) return { error: "invalid_token", description: "the access token is not DPoP-bound" };
    const result = await this.verifier.verify({ proofs: presented.proofs, method: presented.method, url: presented.url, accessToken: presented.token });
    return result.valid ? { dpopKey: result.jkt } : { error: result.error, description: result.description, ...(result.nonce !== undefined && { nonce: result.nonce }) };
  }
}
