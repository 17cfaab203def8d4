import { NO_STORE_HEADERS, OAuthError, type EndpointResponse, type SignInPrompt } from "portcullis/plugin-sdk";
import { stepDescription } from "./step-fields.js";

/** The code, redeemed at the token endpoint (draft §5.2.1). */
export function authorizationCode(code: string): EndpointResponse {
  return { status: 200, headers: { ...NO_STORE_HEADERS }, body: { authorization_code: code } };
}

/** 403 insufficient_authorization (draft §5.2.2.1): the step to take next, with the auth_session to continue. */
export function insufficientAuthorization(authSession: string, prompt: SignInPrompt, description: string): EndpointResponse {
  return {
    status: 403,
    headers: { ...NO_STORE_HEADERS },
    body: { error: "insufficient_authorization", error_description: description, auth_session: authSession, ...stepDescription(prompt) },
  };
}

/** 429 while the account or address is locked (RFC 9700 §4.16), with the auth_session to retry the same step later. */
export function throttled(authSession: string, retryAfterSeconds: number): EndpointResponse {
  return {
    status: 429,
    headers: { ...NO_STORE_HEADERS, "retry-after": String(retryAfterSeconds) },
    body: { error: "too_many_requests", error_description: "too many failed sign-in attempts, retry later", auth_session: authSession },
  };
}

/** 400 invalid_session (draft §5.2.2.1): unknown, expired, used, or another client's. */
export function invalidSession(description = "auth_session is invalid, expired or already used"): OAuthError {
  return new OAuthError("invalid_session", description, { status: 400 });
}

/** 403 redirect_to_web (draft §5.2.2.1.1): the client starts an authorization code flow in the browser. */
export function redirectToWeb(description: string): OAuthError {
  return new OAuthError("redirect_to_web", description, { status: 403 });
}
