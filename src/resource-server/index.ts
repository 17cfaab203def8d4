/**
 * portcullis/resource-server: validate access tokens with Portcullis over its internal gRPC listener, in any Node
 * resource server (RFC 6750, RFC 9449 §7, RFC 8705 §3). Imports nothing of the server besides the generated protos.
 */
export { parseAuthorization, type PresentedCredentials, type TokenScheme } from "./authorization-header.js";
export type { BackoffPolicy } from "./backoff.js";
export { clientCredentialsCallerToken, type CallerToken, type ClientCredentialsOptions } from "./caller-credentials.js";
export { peerCertificateThumbprint } from "./peer-certificate.js";
export { requestUrl } from "./request-url.js";
export { requireToken, type ProtectedHandler, type RequireTokenOptions } from "./require-token.js";
export type { Clock } from "./token-cache.js";
export type { TokenConfirmation, TokenFailure, TokenValidation, ValidatedToken } from "./token-validation.js";
export { createTokenValidator, type RequestFacts, type TokenValidator, type TokenValidatorEvents, type TokenValidatorOptions, type ValidationRequest } from "./token-validator.js";
export { formatChallenge, type Challenge } from "./www-authenticate.js";
