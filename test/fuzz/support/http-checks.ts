import assert from "node:assert/strict";
import { DESCRIPTION_CHARSET } from "../../support/oauth-assertions.js";
import type { RawHttpRequest, RawHttpResponse } from "./raw-http.js";

/**
 * Error codes an endpoint of this server may answer with: the IANA "OAuth Extensions Error Registry" entries of the RFCs
 * it implements (RFC 6749 §5.2, §4.1.2.1, RFC 6750 §3.1, RFC 7591 §3.2.2, RFC 8628 §3.5, RFC 8693 §2.2.2, RFC 8707 §2,
 * RFC 9101 §6.3, RFC 9449 §12.2, OIDC Core §3.1.2.6, first-party apps §5.2, attestation-based client auth §7.4) plus the
 * router's own HTTP-level ones (404, 405, 413, 429, 503).
 */
export const REGISTERED_ERRORS = new Set([
  "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope", "access_denied",
  "unsupported_response_type", "server_error", "temporarily_unavailable", "invalid_token", "insufficient_scope", "invalid_redirect_uri",
  "invalid_client_metadata", "invalid_software_statement", "unapproved_software_statement", "authorization_pending", "slow_down",
  "expired_token", "invalid_target", "unsupported_token_type", "invalid_request_uri", "invalid_request_object", "request_uri_not_supported",
  "request_not_supported", "invalid_dpop_proof", "use_dpop_nonce", "login_required", "consent_required", "interaction_required",
  "account_selection_required", "invalid_session", "insufficient_authorization", "redirect_to_web", "invalid_client_attestation",
  "use_fresh_attestation", "use_attestation_challenge", "not_found", "method_not_allowed", "request_too_large", "too_many_requests",
]);

const header = (response: RawHttpResponse, name: string) => response.headers[name]?.join(", ");
const sent = (request: RawHttpRequest, name: string) => request.headers.some(([n]) => n.toLowerCase() === name);

/**
 * The properties every answer to any request must have: no 5xx; 405 with Allow (RFC 9110 §15.5.6); JSON that parses;
 * `no-store` on every JSON answer of the token endpoint (RFC 6749 §5.1, §5.2); JSON errors with a registered `error`
 * and an RFC 6749 §5.2 description; 401 with WWW-Authenticate for invalid_token (RFC 6750 §3) and for invalid_client
 * when the client used the Authorization header (RFC 6749 §5.2).
 */
export function checkResponse(request: RawHttpRequest, response: RawHttpResponse): void {
  const what = `${request.method} ${request.target.slice(0, 120)} → ${response.status} ${response.body.subarray(0, 300).toString()}`;
  assert.ok(response.status < 500, `5xx: ${what}`);
  if (response.status === 405) assert.ok(header(response, "allow"), `405 without Allow: ${what}`);
  if (request.method === "HEAD" || !/^application\/json/.test(header(response, "content-type") ?? "")) return;
  let parsed: unknown;
  assert.doesNotThrow(() => (parsed = JSON.parse(response.body.toString())), `a JSON answer that does not parse: ${what}`);
  if (request.target.split("?")[0] === "/token") assert.match(header(response, "cache-control") ?? "", /no-store/, `a token endpoint answer without Cache-Control: no-store (RFC 6749 §5.1): ${what}`);
  if (response.status < 400) return;
  const body = parsed as { error?: unknown; error_description?: unknown };
  assert.equal(typeof body.error, "string", `a JSON error without an error code: ${what}`);
  assert.ok(REGISTERED_ERRORS.has(body.error as string), `unregistered error code: ${what}`);
  if (body.error_description !== undefined) assert.match(String(body.error_description), DESCRIPTION_CHARSET, `error_description outside RFC 6749 §5.2: ${what}`);
  if (response.status === 401 && (body.error === "invalid_token" || (body.error === "invalid_client" && sent(request, "authorization")))) {
    assert.ok(header(response, "www-authenticate"), `401 ${String(body.error)} without WWW-Authenticate: ${what}`);
  }
}
