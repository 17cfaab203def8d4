import type { AuthenticatedUser } from "./capabilities.js";
import type { Client } from "./client.js";
import type { SenderBinding } from "./sender-binding.js";

/** An authorization request without a redirect (RFC 6749 §4.1.1 minus redirect_uri; RFC 7636 §4.3; RFC 8707 §2). */
export interface CodeRequest {
  client: Client;
  /** The raw `scope` parameter; absent means the client's registered scope (RFC 6749 §3.3). */
  scope?: string | undefined;
  /** `resource` parameters (RFC 8707 §2). */
  resources?: readonly string[];
  /** Required: every code issued through this capability is PKCE-bound (RFC 7636 §4.3). */
  codeChallenge: string | undefined;
  /** "S256" (default "plain" only under PKCE_PLAIN_ALLOWED, RFC 7636 §4.2). */
  codeChallengeMethod?: string | undefined;
  /** OIDC Core §3.1.2.1 nonce, carried into the ID token. */
  nonce?: string | undefined;
  /** The key the code is bound to (RFC 9449 §10; `SenderProofs.presented`): the token request must prove it. */
  binding?: SenderBinding | undefined;
}

/**
 * Authorization codes issued outside the authorization endpoint (OAuth 2.0 for First-Party Applications §5.2.1), with
 * core's rules: the scope/resource policy, PKCE, single use, reuse revocation. The code is redeemed at the token
 * endpoint by the authorization_code grant, without redirect_uri (draft §6): one sent there is invalid_grant.
 */
export interface AuthorizationCodes {
  /** Checks `request` as `issue` will, before the user signs in; throws invalid_request, invalid_scope or invalid_target. */
  check(request: CodeRequest): Promise<void>;
  /** A single-use code for `authentication` (MUST be one core vouched for: DirectSignIn, Tokens, AuthenticationSeal). */
  issue(request: CodeRequest & { authentication: AuthenticatedUser }): Promise<string>;
}
