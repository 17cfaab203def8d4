import type { AuthenticatedUser } from "./capabilities.js";

/** A sign-in a plugin sends the browser through: core's sign-in, second factor, SSO session and consent pages (OIDC Core §3.1.2.3–3.1.2.4). */
export interface BrowserSignInRequest {
  /** The client the end-user signs in to and consents for; its name is shown, and it is re-read on every step. */
  readonly clientId: string;
  /** The scopes the end-user is asked to consent to, already checked with AccessPolicy. */
  readonly scopes: readonly string[];
  /** The plugin's page the browser comes back to when the user is done: a path below the issuer, e.g. "/device/complete". */
  readonly returnPath: string;
  /** Opaque to core and never sent to the browser; `result` hands it back (e.g. which device request the sign-in approves). */
  readonly state: string;
  /** OIDC Core §3.1.2.1 prompt values: "login" forces a fresh sign-in, "consent" asks even when consent is remembered. */
  readonly prompt?: readonly ("login" | "consent" | "select_account")[];
}

/**
 * How a browser sign-in ended: approved, with the end-user authentication (vouched by core: it can go into a grant
 * decision or AuthenticationSeal) and the scopes consented to; or not, with the OAuth error (e.g. access_denied when
 * the user denied consent, OIDC Core §3.1.2.6).
 */
export type BrowserSignInResult =
  | { readonly approved: true; readonly state: string; readonly authentication: AuthenticatedUser; readonly scopes: readonly string[] }
  | { readonly approved: false; readonly state: string; readonly error: string };
