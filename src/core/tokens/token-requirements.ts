import { provesConfirmation } from "../../plugin-sdk/sender-binding.js";
import type { ActiveToken } from "./access-token.js";

/** What the protected resource requires of a presented token (RFC 6750 §3.1, RFC 9068 §4, RFC 8705 §3, RFC 9449 §7.1). */
export interface TokenRequirements {
  requiredScopes: readonly string[];
  requiredAudience?: string;
  /** SHA-256 thumbprint (base64url) of the TLS client certificate the token was presented with. */
  certificateThumbprint?: string;
  /** JWK thumbprint of the verified DPoP proof the token was presented with (RFC 9449 §6.1). */
  dpopKey?: string;
}

/**
 * The RFC 6750 §3.1 error code when `token` MUST NOT be accepted for `requirements`, undefined when it may.
 * A sender-constrained token MUST match its proof: `x5t#S256` the certificate (RFC 8705 §3), `jkt` the DPoP proof's
 * key (RFC 9449 §7.1); any other `cnf` member is never met.
 */
export function unmetRequirement(token: ActiveToken, requirements: TokenRequirements): "invalid_token" | "insufficient_scope" | undefined {
  const cnf = token.claims.cnf;
  if (cnf && !provesConfirmation({ jkt: requirements.dpopKey, x5tS256: requirements.certificateThumbprint }, cnf)) return "invalid_token";
  if (requirements.requiredAudience !== undefined && !token.audiences.includes(requirements.requiredAudience)) return "invalid_token";
  for (const scope of requirements.requiredScopes) if (!token.scopes.includes(scope)) return "insufficient_scope";
  return undefined;
}
