/**
 * OAuth error codes known to Portcullis (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2, RFC 8707 §2, RFC 9449 §7,
 * draft-ietf-oauth-attestation-based-client-auth-11 §7.4).
 */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "invalid_token"
  | "insufficient_scope"
  | "access_denied"
  | "unsupported_response_type"
  | "unsupported_token_type"
  | "invalid_redirect_uri"
  | "invalid_client_metadata"
  | "invalid_software_statement"
  | "unapproved_software_statement"
  | "invalid_dpop_proof"
  | "use_dpop_nonce"
  | "invalid_client_attestation"
  | "use_fresh_attestation"
  | "use_attestation_challenge"
  | "authorization_pending"
  | "slow_down"
  | "expired_token"
  | "invalid_request_uri"
  | "invalid_request_object"
  | "request_uri_not_supported"
  | "login_required"
  | "consent_required"
  | "interaction_required"
  | "account_selection_required"
  | "method_not_allowed"
  | "request_too_large"
  | "too_many_requests"
  | "temporarily_unavailable"
  | "server_error"
  | (string & {});

export interface OAuthErrorOptions {
  /** Debug detail for logs only; never sent to the client. */
  cause?: unknown;
  /** Overrides the status from the error table. */
  status?: number;
  /** Extra response headers (e.g. Retry-After, DPoP-Nonce). */
  headers?: Record<string, string>;
}

const DESCRIPTION_UNSAFE = /[^\x20-\x21\x23-\x5B\x5D-\x7E]/g;
/**
 * Longest `error_description` sent: a description that quotes client input (an unknown value) stays small, so it fits
 * a gRPC `grpc-message` trailer (HTTP/2 peers refuse header lists over 8–16 KiB) and a log line.
 */
export const MAX_DESCRIPTION_LENGTH = 512;

/** A protocol error: `error` and client-safe `description` are sent; `cause` goes to logs only (RFC 6749 §5.2). */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly description: string | undefined;
  readonly status: number | undefined;
  readonly headers: Record<string, string>;

  constructor(error: OAuthErrorCode, description?: string, options: OAuthErrorOptions = {}) {
    super(description ? `${error}: ${description}` : error, { cause: options.cause });
    this.name = "OAuthError";
    this.error = error;
    // RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
    this.description = bounded(description?.replace(/"/g, "'").replace(DESCRIPTION_UNSAFE, " "));
    this.status = options.status;
    this.headers = options.headers ?? {};
  }

  /** The JSON body of an OAuth error response (RFC 6749 §5.2). */
  toJSON(): { error: string; error_description?: string } {
    return this.description ? { error: this.error, error_description: this.description } : { error: this.error };
  }
}

/** `description` cut to MAX_DESCRIPTION_LENGTH characters, ending in "..." when cut. */
function bounded(description: string | undefined): string | undefined {
  return description !== undefined && description.length > MAX_DESCRIPTION_LENGTH ? `${description.slice(0, MAX_DESCRIPTION_LENGTH - 3)}...` : description;
}

type Factory = (description?: string, options?: OAuthErrorOptions) => OAuthError;
const make =
  (code: OAuthErrorCode): Factory =>
  (description, options) =>
    new OAuthError(code, description, options);

/** Factories for every OAuth error: `OAuthErrors.invalidGrant("code expired", { cause })`. */
export const OAuthErrors = {
  invalidRequest: make("invalid_request"),
  invalidClient: make("invalid_client"),
  invalidGrant: make("invalid_grant"),
  unauthorizedClient: make("unauthorized_client"),
  unsupportedGrantType: make("unsupported_grant_type"),
  invalidScope: make("invalid_scope"),
  invalidTarget: make("invalid_target"),
  invalidToken: make("invalid_token"),
  insufficientScope: make("insufficient_scope"),
  accessDenied: make("access_denied"),
  unsupportedResponseType: make("unsupported_response_type"),
  unsupportedTokenType: make("unsupported_token_type"),
  invalidRedirectUri: make("invalid_redirect_uri"),
  invalidClientMetadata: make("invalid_client_metadata"),
  invalidSoftwareStatement: make("invalid_software_statement"),
  unapprovedSoftwareStatement: make("unapproved_software_statement"),
  invalidDpopProof: make("invalid_dpop_proof"),
  useDpopNonce: make("use_dpop_nonce"),
  /** Attestation-based client authentication §7.4: the client attestation or its proof of possession did not verify (401). */
  invalidClientAttestation: make("invalid_client_attestation"),
  /** Attestation-based client authentication §7.4: the client attestation is not fresh enough (401). */
  useFreshAttestation: make("use_fresh_attestation"),
  /** Attestation-based client authentication §6.1: a fresh challenge is required, sent in OAuth-Client-Attestation-Challenge (400). */
  useAttestationChallenge: make("use_attestation_challenge"),
  authorizationPending: make("authorization_pending"),
  slowDown: make("slow_down"),
  expiredToken: make("expired_token"),
  invalidRequestUri: make("invalid_request_uri"),
  invalidRequestObject: make("invalid_request_object"),
  requestUriNotSupported: make("request_uri_not_supported"),
  /** OIDC Core §3.1.2.6: prompt=none but the user must authenticate / consent / interact / pick an account. */
  loginRequired: make("login_required"),
  consentRequired: make("consent_required"),
  interactionRequired: make("interaction_required"),
  accountSelectionRequired: make("account_selection_required"),
  methodNotAllowed: make("method_not_allowed"),
  requestTooLarge: make("request_too_large"),
  tooManyRequests: make("too_many_requests"),
  temporarilyUnavailable: make("temporarily_unavailable"),
  serverError: make("server_error"),
} as const;

/** True when `value` is an OAuthError (also across module copies). */
export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError || (value instanceof Error && value.name === "OAuthError" && "error" in value);
}
