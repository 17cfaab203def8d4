import { createHash } from "node:crypto";
import type { ValidatedToken } from "./token-validation.js";

/** What a ValidateToken answer depends on besides the token's state: the same token may pass one request and fail another. */
export interface CachedRequirements {
  token: string;
  clientCertificateThumbprint: string;
  requiredScopes: readonly string[];
  requiredAudience: string;
}

/**
 * The cache key of a request: a digest of the token, the certificate thumbprint it arrived over (RFC 8705 §3) and the
 * resource's requirements, so an answer is reused only for the very same check (and the cache holds no tokens).
 */
export function cacheKey(request: CachedRequirements): string {
  const scopes = [...new Set(request.requiredScopes)].sort();
  return createHash("sha256").update(JSON.stringify([request.token, request.clientCertificateThumbprint, scopes, request.requiredAudience])).digest("base64url");
}

/**
 * A request with a DPoP proof is never answered from the cache: every proof is single-use and bound to the request's
 * method and URL, so Portcullis checks each one (RFC 9449 §4.3, §11.1).
 */
export function isCacheableRequest(dpopProof: string | undefined): boolean {
  return dpopProof === undefined;
}

/**
 * A DPoP-bound token's answer is never stored (each request needs a fresh proof, RFC 9449 §7.1); a certificate-bound
 * one is, under a key that includes the thumbprint (RFC 8705 §3).
 */
export function isCacheableAnswer(token: ValidatedToken): boolean {
  return !token.confirmation?.jkt && token.tokenType !== "DPoP";
}
