import type { Client } from "../../plugin-sdk/client.js";
import type { OAuthError } from "../../plugin-sdk/errors.js";
import type { PkceMethod } from "../codes/pkce.js";

/** How the authorization response is delivered (OAuth 2.0 Multiple Response Types §2.1, Form Post, JARM §2.3). */
export type ResponseMode = "query" | "fragment" | "form_post" | "jwt" | "query.jwt" | "fragment.jwt" | "form_post.jwt";

/** The `prompt` values of OIDC Core §3.1.2.1. */
export type Prompt = "none" | "login" | "consent" | "select_account";

/** One member of the `claims` request parameter (OIDC Core §5.5.1): null, or essential/value/values. */
export type ClaimRequest = null | { essential?: boolean; value?: unknown; values?: unknown[] };

/** The parsed `claims` request parameter (OIDC Core §5.5). */
export interface RequestedClaims {
  id_token?: Record<string, ClaimRequest>;
  userinfo?: Record<string, ClaimRequest>;
}

/** Where an authorization response (success or error) may be sent, once client and redirect_uri are validated (RFC 6749 §3.1.2). */
export interface ResponseTarget {
  client: Client;
  /** The validated redirect URI, byte-identical to a registered one (or an RFC 8252 loopback variant). */
  redirectUri: string;
  /** The effective mode: the requested one, or the default of the response type (query for code, fragment otherwise). */
  responseMode: ResponseMode;
  state?: string;
  /** True when the response type returns tokens in the front channel (query modes are then forbidden, JARM §2.3.1). */
  returnsTokens: boolean;
}

/**
 * What the sign-in and consent pages act on (OIDC Core §3.1.2.1–3.1.2.4): the client, the scopes to consent to, the
 * sign-in requirements and the page language. An authorization request is one; a plugin's browser sign-in is another.
 */
export interface InteractionRequest {
  client: Client;
  /** Requested scopes after policy (unknown scopes refused with invalid_scope). */
  scopes: string[];
  prompt: ReadonlySet<Prompt>;
  /** Seconds (OIDC Core §3.1.2.1), from the request or the client's default_max_age. */
  maxAge?: number;
  acrValues: string[];
  loginHint?: string;
  /** The raw id_token_hint; the authorize flow verifies it (OIDC Core §3.1.2.1). */
  idTokenHint?: string;
  claims?: RequestedClaims;
  /** BCP 47 tags in preference order (OIDC Core §3.1.2.1). */
  uiLocales: string[];
}

/** A fully validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1, RFC 7636 §4.3, RFC 9101, RFC 9126). */
export interface AuthorizationRequest extends ResponseTarget, InteractionRequest {
  /** Normalised, space-separated, sorted: "code", "code id_token", "id_token token" … */
  responseType: string;
  /** The redirect_uri parameter as sent; the code is bound to it (RFC 6749 §4.1.3). */
  redirectUriParam?: string;
  /** RFC 8707 resource indicators. */
  resources: string[];
  /** True when `openid` is among the scopes: an OpenID Connect request. */
  openid: boolean;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
  /** RFC 9449 §10: the DPoP key the code is bound to (`dpop_jkt`, or the key of the proof sent to /par). */
  dpopJkt?: string;
  /** The PAR request_uri this request came from; consumed when the authorization completes (RFC 9126 §4, §7.3). */
  pushedRequestUri?: string;
}

/**
 * An error at the authorization endpoint (RFC 6749 §4.1.2.1): with a target it is redirected there; without one the
 * client or redirect_uri could not be validated and the user sees an error page, never a redirect.
 */
export class AuthorizationEndpointError extends Error {
  override name = "AuthorizationEndpointError";
  constructor(
    readonly error: OAuthError,
    readonly target?: ResponseTarget,
  ) {
    super(error.description ?? error.error, { cause: error });
  }
}

/** The authenticated user and session an authorization is completed for (OIDC Core §3.1.2.3–3.1.2.5). */
export interface AuthorizedUser {
  /** The local user id (pairwise subjects are derived from it per client). */
  userId: string;
  sessionId: string;
  /** Epoch seconds of the last authentication (OIDC Core §2 auth_time). */
  authTime: number;
  acr?: string;
  amr: string[];
  /** Scopes the user consented to (or the requested ones for a client that needs no consent). */
  scopes: string[];
}

/** How the HTTP layer delivers an authorization response; JARM is already applied (`params` = { response }). */
export interface AuthorizationDelivery {
  redirectUri: string;
  mode: "query" | "fragment" | "form_post";
  params: Record<string, string>;
}
