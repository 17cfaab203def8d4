import type { SenderBinding } from "./sender-binding.js";
import type { AuthenticatedUser, AuthenticationSeal, IssuedTokenFacts, IssuedTokens, Revocations, SingleUseStore, TrustedIssuers, UserDirectory } from "./capabilities.js";
import type { AuthenticatedClient } from "./client.js";
import type { FormParams } from "./form-params.js";
import type { ActorClaim } from "./token-exchange.js";

/**
 * A token request as a grant sees it (RFC 6749 §4): only its declared parameters (core strips the rest and rejects
 * repeats), never the raw HTTP request.
 */
export interface GrantRequest {
  grantType: string;
  params: FormParams;
  /** The authenticated client, or the public client identified by client_id (auth method "none"). */
  client: AuthenticatedClient;
  /** The caller's address, for per-address throttling. */
  remoteAddress: string;
  /** What the request proved it holds (RFC 9449, RFC 8705); core binds the minted tokens to it. */
  binding: SenderBinding;
}

/** Scopes and audiences granted after policy (RFC 6749 §3.3, RFC 8707 §2). */
export interface GrantedAccess {
  scopes: string[];
  /** The token audience: registered resource-server identifiers, and client ids a token exchange's `audience` named (RFC 8693 §2.1). */
  resources: string[];
}

/** Bounds and extra targets of `GrantContext.resolveAccess`. */
export interface AccessBounds {
  /** The scopes of what the request continues (a grant, a code, a subject token): wider ones are invalid_scope (RFC 6749 §6). */
  maxScopes?: readonly string[];
  /** The resources of what the request continues: others are invalid_target (RFC 8707 §2.2). */
  maxResources?: readonly string[];
  /**
   * RFC 8693 §2.1 `audience` values: each must name a registered resource (then it counts as a `resource`) or a
   * registered client (then its client_id joins the audience); anything else is invalid_target.
   */
  audiences?: readonly string[];
}

/** An existing grant continued by a refresh-token rotation (RFC 6749 §6); issued by core only. */
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

/** The end-user authentication an authorization code was issued after, carried to its ID tokens (OIDC Core §2, §5.5). */
export interface AuthenticationFacts {
  /** OIDC Core §3.1.2.1 nonce of the authorization request. */
  nonce?: string;
  /** Epoch seconds of the end-user authentication (OIDC Core §2 `auth_time`). */
  authTime?: number;
  sessionId?: string;
  acr?: string;
  amr?: string[];
  /** The `claims` request parameter's id_token and userinfo members (OIDC Core §5.5). */
  requestedClaims?: { id_token?: Record<string, unknown>; userinfo?: Record<string, unknown> };
}

/** An authorization code redeemed by core after its client, redirect_uri and PKCE bindings were checked (RFC 6749 §4.1.3, RFC 7636 §4.6); issued by core only. */
export interface RedeemedCode extends AuthenticationFacts {
  subject: string;
  scopes: string[];
  resources: string[];
  /** Claims carried into the access token (and the grant, when a refresh token is issued). */
  claims: Record<string, unknown>;
  /** Opaque; core uses it to link the minted tokens to the code for reuse revocation. Return it in `GrantDecision.redeemedCode`. */
  handle: string;
}

/**
 * What a grant decided; core mints, signs and persists from it. Grants never do that themselves. `refreshed`,
 * `redeemedCode`, `authentication` and `derivedFrom` must be the very objects core handed out: core refuses anything else.
 */
export interface GrantDecision {
  /** Token subject; defaults to the client id (RFC 9068 §2.2 for client_credentials); must be `authentication.subject` when that is set. */
  subject?: string;
  access: GrantedAccess;
  /** Extra access-token claims; reserved and authentication claims (iss, sub, acr, amr, auth_time …) are ignored. */
  claims?: Record<string, unknown>;
  /** Start a new grant with a refresh token. */
  issueRefreshToken?: boolean;
  /** Continue an existing grant (from `ctx.refreshTokens.rotate`). */
  refreshed?: RefreshedGrant;
  /** The code this decision redeems (from `ctx.codes.redeem`); a later reuse of the code revokes what is minted now (RFC 6749 §4.1.2). */
  redeemedCode?: RedeemedCode;
  /** The end-user authentication the tokens stand for: with the openid scope, core adds an ID token (OIDC Core §2). */
  authentication?: AuthenticatedUser;
  /** Extra members of the token response (RFC 6749 §5.1), e.g. `issued_token_type` (RFC 8693 §2.2.1); core's own members win. */
  response?: Record<string, unknown>;
  /**
   * The subject token a token exchange redeems (from `ctx.tokens.validate`, RFC 8693 §2.1; not with `refreshed`; its
   * subject must be `subject`): when it belongs to a grant, revoking that grant revokes what is minted now, and a new
   * refresh-token grant never outlives it.
   */
  derivedFrom?: IssuedTokenFacts;
  /** The acting party of a delegation (RFC 8693 §4.1; not with `refreshed`): core writes it as the `act` claim, which no plugin claim or customizer can set. */
  actor?: ActorClaim;
  /** The access-token format the grant needs (e.g. "jwt" for RFC 8693 requested_token_type jwt); replaces the client's and the resource's. */
  accessTokenFormat?: "jwt" | "opaque";
}

/** Core capabilities a grant may use; their security rules are enforced in core (DESIGN "Grants decide; core mints"). */
export interface GrantContext {
  /** Epoch milliseconds. */
  now(): number;
  users: UserDirectory;
  /** Tokens this server issued: access, refresh and ID tokens, with their facts. */
  tokens: IssuedTokens;
  /** Single-use values with a TTL, in this plugin's namespace. */
  singleUse: SingleUseStore;
  revocations: Revocations;
  authenticationSeal: AuthenticationSeal;
  /** JWTs from the operator's trusted issuers: assertions (RFC 7523 §2.1), subject tokens (RFC 8693 §2.1). */
  trustedIssuers: TrustedIssuers;
  /** Applies the scope/resource policy for this client: unknown resource → invalid_target, disallowed scope → invalid_scope (RFC 8707 §2, RFC 6749 §3.3). */
  resolveAccess(request: GrantRequest, options?: AccessBounds): Promise<GrantedAccess>;
  refreshTokens: {
    /**
     * Rotates a refresh token atomically, with reuse detection and a grace window for lost responses (RFC 9700
     * §4.14.2); core reads the client and the proof from `request`: a token bound to a key (a public client's, RFC 9449
     * §5, RFC 8705 §4) needs a proof of that key. Every failure is invalid_grant.
     */
    rotate(refreshToken: string, request: GrantRequest): Promise<RefreshedGrant>;
  };
  codes: {
    /**
     * Redeems an authorization code once (RFC 6749 §4.1.3): core reads client_id, redirect_uri and code_verifier from
     * `request`, checks them and PKCE (RFC 7636 §4.6; public clients must have used PKCE) before consuming the code,
     * and revokes the first redemption's tokens on reuse. Every failure is invalid_grant.
     */
    redeem(code: string, request: GrantRequest): Promise<RedeemedCode>;
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
