import type { ActiveToken } from "./access-token.js";

/** What the protected resource requires of a presented token (RFC 6750 §3.1, RFC 9068 §4, RFC 8705 §3). */
export interface TokenRequirements {
  requiredScopes: readonly string[];
  requiredAudience?: string;
  /** SHA-256 thumbprint (base64url) of the TLS client certificate the token was presented with. */
  certificateThumbprint?: string;
}

/**
 * The RFC 6750 §3.1 error code when `token` MUST NOT be accepted for `requirements`, undefined when it may.
 * A sender-constrained token MUST match its proof: `x5t#S256` the certificate (RFC 8705 §3); any other `cnf`
 * member (DPoP `jkt`, RFC 9449 §7.1) is rejected until DPoP proof validation lands.
 */
export function unmetRequirement(token: ActiveToken, requirements: TokenRequirements): "invalid_token" | "insufficient_scope" | undefined {
  const cnf = token.claims.cnf;
  if (cnf) {
    for (const [member, value] of Object.entries(cnf)) {
      if (member !== "x5t#S256" || !requirements.certificateThumbprint || value !== requirements.certificateThumbprint) return "invalid_token";
    }
  }
  if (requirements.requiredAudience !== undefined && !token.audiences.includes(requirements.requiredAudience)) return "invalid_token";
  for (const scope of requirements.requiredScopes) if (!token.scopes.includes(scope)) return "insufficient_scope";
  return undefined;
}
