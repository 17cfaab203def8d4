import { isOAuthError, OAuthError, OAuthErrors } from "../../plugin-sdk/errors.js";
import { StorageUnavailableError } from "./storage-unavailable.js";

/** gRPC status codes used by the mapping (grpc/status.proto). */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

interface Mapping {
  status: number;
  grpc: number;
}

/** The one table mapping each OAuth error to its HTTP status (RFC 6749 §5.2, RFC 6750 §3.1) and gRPC code. */
const TABLE: Record<string, Mapping> = {
  invalid_client: { status: 401, grpc: GrpcCode.UNAUTHENTICATED },
  invalid_token: { status: 401, grpc: GrpcCode.UNAUTHENTICATED },
  insufficient_scope: { status: 403, grpc: GrpcCode.PERMISSION_DENIED },
  // A JSON access_denied is a token-endpoint answer (RFC 8628 §3.5): 400 as RFC 6749 §5.2 says; at /authorize it is a redirect.
  access_denied: { status: 400, grpc: GrpcCode.PERMISSION_DENIED },
  unauthorized_client: { status: 400, grpc: GrpcCode.PERMISSION_DENIED },
  method_not_allowed: { status: 405, grpc: GrpcCode.UNIMPLEMENTED },
  request_too_large: { status: 413, grpc: GrpcCode.RESOURCE_EXHAUSTED },
  too_many_requests: { status: 429, grpc: GrpcCode.RESOURCE_EXHAUSTED },
  temporarily_unavailable: { status: 503, grpc: GrpcCode.UNAVAILABLE },
  server_error: { status: 500, grpc: GrpcCode.INTERNAL },
  // RFC 9449 §5, §8: 400 at the authorization server; a protected resource answers 401 (§7.1, §9) by setting the status.
  invalid_dpop_proof: { status: 400, grpc: GrpcCode.INVALID_ARGUMENT },
  use_dpop_nonce: { status: 400, grpc: GrpcCode.FAILED_PRECONDITION },
  // draft-ietf-oauth-attestation-based-client-auth-11 §7.4 (client authentication failures) and §6.1 (400 with a challenge).
  invalid_client_attestation: { status: 401, grpc: GrpcCode.UNAUTHENTICATED },
  use_fresh_attestation: { status: 401, grpc: GrpcCode.UNAUTHENTICATED },
  use_attestation_challenge: { status: 400, grpc: GrpcCode.FAILED_PRECONDITION },
};
const DEFAULT: Mapping = { status: 400, grpc: GrpcCode.INVALID_ARGUMENT };

/** HTTP status and gRPC code for an OAuth error (its own status wins when set). */
export function mappingFor(error: OAuthError): Mapping {
  const mapped = TABLE[error.error] ?? DEFAULT;
  return error.status ? { ...mapped, status: error.status } : mapped;
}

/** Turns anything thrown into an OAuthError: storage outages → 503, unexpected → server_error with generic text. */
export function toOAuthError(thrown: unknown): OAuthError {
  if (isOAuthError(thrown)) return thrown;
  if (thrown instanceof StorageUnavailableError) {
    return OAuthErrors.temporarilyUnavailable("the service is temporarily unavailable", { cause: thrown, headers: { "retry-after": "2" } });
  }
  return OAuthErrors.serverError("unexpected error", { cause: thrown });
}
