import type { AuthenticatedClient } from "./client.js";
import type { FormParams } from "./form-params.js";
import type { EndpointRequest } from "./request.js";

/** A token request as a grant sees it: parameters already filtered to the grant's declared list (RFC 6749 §4). */
export interface GrantRequest {
  grantType: string;
  params: FormParams;
  /** The authenticated client, or the public client identified by client_id (auth method "none"). */
  client: AuthenticatedClient;
  http: EndpointRequest;
}

/** Scopes and audiences granted after policy (RFC 6749 §3.3, RFC 8707 §2). */
export interface GrantedAccess {
  scopes: string[];
  /** Registered resource-server identifiers that become the token audience. */
  resources: string[];
}

/** An existing grant continued by a refresh-token rotation (RFC 6749 §6). */
export interface RefreshedGrant {
  grantId: string;
  subject: string;
  /** Scopes of the grant (the access token may get fewer). */
  scopes: string[];
  resources: string[];
  /** The refresh token to return: the new one, or the same successor on a retry inside the grace window. */
  refreshToken: string;
  refreshTokenExpiresAt: number;
  claims: Record<string, unknown>;
}

/** What a grant decided; core mints, signs and persists from it. Grants never do that themselves. */
export interface GrantDecision {
  /** Token subject; defaults to the client id (RFC 9068 §2.2 for client_credentials). */
  subject?: string;
  access: GrantedAccess;
  /** Extra, non-reserved access-token claims. */
  claims?: Record<string, unknown>;
  /** Start a new grant with a refresh token. */
  issueRefreshToken?: boolean;
  /** Continue an existing grant (from `ctx.refreshTokens.rotate`). */
  refreshed?: RefreshedGrant;
}

/** Core capabilities a grant may use; their security rules are enforced in core (DESIGN "Grants decide; core mints"). */
export interface GrantContext {
  /** Epoch milliseconds. */
  now(): number;
  /** Applies the scope/resource policy for this client: unknown resource → invalid_target, disallowed scope → invalid_scope (RFC 8707 §2, RFC 6749 §3.3). */
  resolveAccess(request: GrantRequest, options?: { maxScopes?: readonly string[]; maxResources?: readonly string[] }): Promise<GrantedAccess>;
  refreshTokens: {
    /** Rotates a refresh token atomically, with reuse detection and a grace window for lost responses (RFC 9700 §4.14.2). */
    rotate(refreshToken: string, client: AuthenticatedClient): Promise<RefreshedGrant>;
  };
}

/** One grant type at the token endpoint (RFC 6749 §4). */
export interface GrantHandler {
  /** The grant_type value (an absolute URI for extension grants, RFC 6749 §4.5). */
  readonly grantType: string;
  /** Parameters this grant reads besides grant_type and client-auth parameters; all others are stripped. */
  readonly parameters: readonly string[];
  /** Parameters that may repeat (e.g. "resource", RFC 8707 §2); every other duplicate is invalid_request. */
  readonly repeatable?: readonly string[];
  /** "optional" lets public clients (method "none") use the grant; "required" demands a confidential client. */
  readonly clientAuthentication: "required" | "optional";
  /** Decides the grant or throws an OAuthError; MUST NOT sign, persist, or write HTTP (RFC 6749 §5). */
  handle(request: GrantRequest, ctx: GrantContext): Promise<GrantDecision>;
}
