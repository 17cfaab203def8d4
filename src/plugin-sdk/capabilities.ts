import type { AuthnUser } from "./authenticator.js";
import type { BrowserSignInRequest, BrowserSignInResult } from "./browser-sign-in.js";
import type { AuthenticatedClient, Client } from "./client.js";
import type { EndpointResponse } from "./endpoint.js";
import type { GrantedAccess } from "./grant.js";
import type { FormSubmission, PluginPage } from "./page.js";
import type { EndpointRequest } from "./request.js";

/**
 * An end-user authentication vouched for by core (OIDC Core §2 `auth_time`, `acr`, `amr`): a plugin may read it,
 * carry it, seal it for later and return it in a grant decision, but never create or change one; core refuses a
 * decision whose authentication it did not issue.
 */
export interface AuthenticatedUser {
  /** The local user id (the `sub` of access tokens). */
  readonly subject: string;
  /** Epoch seconds of the authentication. */
  readonly authTime: number;
  /** RFC 8176 methods, e.g. ["pwd", "otp"]. */
  readonly amr: readonly string[];
  readonly acr?: string;
  /** The SSO session it belongs to (`sid`), when there is one. */
  readonly sessionId?: string;
}

/** End-user accounts as plugins see them: never a password hash or a secret. */
export interface UserDirectory {
  findById(id: string): Promise<AuthnUser | undefined>;
  findByUsername(username: string): Promise<AuthnUser | undefined>;
}

/** What core knows about a token it issued and that is still valid (RFC 7662 §2.2, OIDC Core §2). */
export interface IssuedTokenFacts {
  kind: "access_token" | "refresh_token" | "id_token";
  /** The local user id, or the client id of a client's own token. */
  subject: string;
  clientId: string;
  scopes: readonly string[];
  audiences: readonly string[];
  /** Epoch seconds. */
  issuedAt: number;
  expiresAt: number;
  /** The grant it belongs to; revoking that grant revokes this token. */
  grantId?: string;
  /** Proof-of-possession binding (RFC 7800 §3.1: `jkt`, `x5t#S256`). */
  confirmation?: Readonly<Record<string, string>>;
  /** Every claim the token carries (for ID tokens, `sub` as issued to their client). */
  claims: Readonly<Record<string, unknown>>;
  /** The end-user authentication the token stands for, when it records one (ID tokens, OpenID grants). */
  authentication?: AuthenticatedUser;
}

/** Validates tokens this server issued (RFC 7662 §2.2): signature, expiry, revocation and client; undefined otherwise. */
export interface IssuedTokens {
  /** The token's facts when active; `kind` restricts the token types tried (default: access, refresh, then ID token). */
  validate(token: string, kind?: IssuedTokenFacts["kind"]): Promise<IssuedTokenFacts | undefined>;
}

/**
 * Short-lived values with a TTL in the ephemeral store, shared by every node, in the plugin's own namespace: replay
 * caches, device codes, counters. Single use is atomic: of any number of concurrent `take`s exactly one gets the value.
 */
export interface SingleUseStore {
  put(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only if absent; true when this call stored it (a `jti` seen once, RFC 7523 §3). */
  putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  /** Reads and deletes atomically. */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /** Adds one; the TTL is set when the counter is created. Returns the new value. */
  increment(key: string, ttlMs: number): Promise<number>;
}

/**
 * Failure counters with lockout in the ephemeral store, shared by every node, in the plugin's own namespace (RFC 9700
 * §4.16 brute force): failures are counted per key in a fixed window; a key reaching its limit is locked for one window.
 */
export interface FailureLockout {
  /** Seconds until the first locked key of `keys` unlocks (at least 1), or undefined when none is locked. */
  retryAfter(keys: readonly string[], windowMs: number): Promise<number | undefined>;
  /** Counts one failure for each key in a `windowMs` window, locking each that reaches its limit for `windowMs`. */
  record(subjects: readonly { key: string; limit: number }[], windowMs: number): Promise<void>;
}

/** Revocation with core's rules (RFC 7009 §2.1): every node stops accepting what is revoked at once. */
export interface Revocations {
  /** Revokes a grant: its refresh tokens and every access token issued from it. */
  revokeGrant(grantId: string): Promise<void>;
  /** Revokes one token this server issued (a refresh token revokes its whole grant); unknown tokens are ignored. */
  revokeToken(token: string): Promise<void>;
}

/** Carries a vouched authentication across requests and nodes (e.g. a device approved on another request). */
export interface AuthenticationSeal {
  /** An opaque, authenticated-encrypted string of `user`. */
  seal(user: AuthenticatedUser): string;
  /** The authentication sealed by `seal`; throws invalid_grant when the value was altered or forged. */
  unseal(sealed: string): AuthenticatedUser;
}

/** Client authentication with core's rules (RFC 6749 §2.3): exactly one method, the client's registered one. */
export interface ClientAuthentication {
  /** The authenticated client; `allowPublic` accepts a public client named by `client_id`. Throws invalid_client. */
  authenticate(request: EndpointRequest, options?: { allowPublic?: boolean }): Promise<AuthenticatedClient>;
}

/** The scope and audience rule of /authorize, /par and /token (RFC 6749 §3.3, RFC 8707 §2), for a plugin's own endpoint. */
export interface AccessPolicy {
  /** What `client` may get for its `scope` and `resource` parameters (absent scope: its registered one); throws invalid_scope or invalid_target. */
  resolve(client: Client, requested: { scope?: string | undefined; resources?: readonly string[] }): Promise<GrantedAccess>;
}

/**
 * Core's sign-in, second factor, SSO session and consent pages (OIDC Core §3.1.2.3–3.1.2.4) for a plugin's browser flow,
 * e.g. the device verification page (RFC 8628 §3.3): the plugin starts it and gets the outcome back at its own page.
 */
export interface BrowserSignIn {
  /** A 303 into the sign-in pages (or straight back when nothing is left to ask); when the user is done, core redirects the browser to `returnPath`. */
  start(request: EndpointRequest, signIn: BrowserSignInRequest): Promise<EndpointResponse>;
  /**
   * The outcome of the sign-in that sent the browser back to this request's path, once; undefined when the request
   * carries none, or it is unknown, used, expired, meant for another path or was sent to another browser.
   */
  result(request: EndpointRequest): Promise<BrowserSignInResult | undefined>;
  /**
   * Checks that an approval still stands when the plugin acts on it later (OIDC Core §3.1.2.4): throws invalid_grant
   * when the user was deleted or disabled since, access_denied when the client asks for consent and the user's
   * remembered consent no longer covers `scopes` (revoked).
   */
  assertStillAuthorized(authentication: AuthenticatedUser, clientId: string, scopes: readonly string[]): Promise<void>;
}

/**
 * Simple plugin pages in core's layout: HTML-escaped, with core's Content-Security-Policy, no caching or framing, in the
 * browser's language (ui_locales, else Accept-Language; English or German), forms protected against CSRF (RFC 9700 §4.7).
 */
export interface Pages {
  /** The page as an HTML response (status 200 unless given); a form gets this browser's anti-CSRF token (a cookie and a hidden field). */
  render(request: EndpointRequest, page: PluginPage, options?: { status?: number; headers?: Record<string, string> }): EndpointResponse;
  /** The submission when the posted form carries this browser's anti-CSRF token; undefined for a forged or stale form. */
  submission(request: EndpointRequest): FormSubmission | undefined;
}

/** A structured logger; never give it a token, code, secret or assertion. */
export interface PluginLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** The server's clock (tests inject a fake one). */
export interface PluginClock {
  /** Epoch milliseconds. */
  now(): number;
}

/** What an operator may trust an outside issuer for (DESIGN "Trust in outside issuers is one registry"). */
export const TRUSTED_ISSUER_USES = ["jwt-bearer", "token-exchange", "software-statement", "client-attestation"] as const;
export type TrustedIssuerUse = (typeof TRUSTED_ISSUER_USES)[number];

/** Algs an outside issuer (or attester) may sign with: asymmetric only, never `none` or HMAC (RFC 8725 §3.1, CVE-2016-10555). */
export const TRUSTED_JWT_ALGORITHMS = Object.freeze(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"] as const);

/** What the caller of `TrustedIssuers.verify` expects of a JWT; every member is explicit, so no check is skipped by omission. */
export interface TrustedJwtExpectation {
  /** The issuer must be trusted for this use. */
  use: TrustedIssuerUse;
  /** The client presenting the JWT, which the issuer must allow; null only where no client exists yet (RFC 7591 §2.3 at registration). */
  clientId: string | null;
  /** `aud` (a string, or an array) must hold one of these (RFC 7523 §3 item 3); null only where the JWT type has no audience. */
  audiences: readonly string[] | null;
  /** Require `jti` and accept it once, until `exp` + CLOCK_TOLERANCE, on every node (RFC 7523 §3 item 7). */
  singleUse: boolean;
  /**
   * What `sub` is: "user" (default) maps it to a local user under the issuer's subject mapping; "required" needs a
   * non-empty `sub` and maps nothing (it names a client, draft-ietf-oauth-attestation-based-client-auth §4); "optional"
   * accepts a JWT without one (a software statement, RFC 7591 §2.3). Omitted means the strictest, "user".
   */
  subject?: "user" | "required" | "optional";
  /**
   * "required" (default): `exp` must be present and at most the issuer's max lifetime ahead; "optional": a JWT without
   * `exp` does not expire, and one with `exp` must not have expired (RFC 7591 §2.3 requires no `exp`).
   */
  expiry?: "required" | "optional";
  /** With `audiences`, "required" (default) refuses a JWT without `aud`; "optional" accepts one that has none (RFC 7591 §2.3). */
  audience?: "required" | "optional";
}

/** A JWT verified against the trusted-issuer registry (RFC 7523 §3). */
export interface TrustedJwt {
  /** `iss`: the trusted issuer. */
  issuer: string;
  /** `sub` as the issuer sent it; "" only under `subject: "optional"` for a JWT without one. */
  subject: string;
  /** The local user `sub` maps to under the issuer's subject mapping ("username" or "id"); absent for "pass-through" and unmapped subjects. */
  user?: AuthnUser;
  /** `exp`, epoch seconds; Infinity only under `expiry: "optional"` for a JWT without one. */
  expiresAt: number;
  /** Every claim of the JWT. */
  claims: Readonly<Record<string, unknown>>;
}

/** Why a JWT was refused; the caller maps every reason to its own error (invalid_grant, invalid_request, invalid_software_statement …). */
export type TrustedJwtFailure =
  | "malformed"
  | "algorithm_not_allowed"
  | "untrusted_issuer"
  | "use_not_allowed"
  | "client_not_allowed"
  | "keys_unavailable"
  | "invalid_signature"
  | "missing_claim"
  | "invalid_audience"
  | "expired"
  | "not_yet_valid"
  | "lifetime_too_long"
  | "issued_in_future"
  | "unknown_subject"
  | "disabled_subject"
  | "replayed";

/** The verified JWT, or the reason it was refused with a client-safe `description` (e.g. "aud does not name this server"). */
export type TrustedJwtResult =
  | { readonly ok: true; readonly jwt: TrustedJwt }
  | { readonly ok: false; readonly reason: TrustedJwtFailure; readonly description: string };

/**
 * JWTs from issuers the operator trusts (RFC 7523 §3, RFC 7521 §5.2): asymmetric algs only, keys inline or from the
 * issuer's `jwks_uri` (fetched by core), the issuer's uses and clients, `aud`, bounded `exp`, `iat`/`nbf` within
 * CLOCK_TOLERANCE, `sub` mapped to a local user, `jti` single use. A plugin never fetches keys itself.
 */
export interface TrustedIssuers {
  /** Verifies `jwt` against the registry; never throws for a bad JWT (only when storage is unavailable). */
  verify(jwt: string, expectation: TrustedJwtExpectation): Promise<TrustedJwtResult>;
}
