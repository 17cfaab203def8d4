import type { AuthenticatorField } from "./authenticator.js";
import type { AuthenticatedUser } from "./capabilities.js";

/** The login step to ask for next (OIDC Core §3.1.2.3): one authenticator and the fields it reads. */
export interface SignInPrompt {
  /** The authenticator's id, e.g. "password" or "totp". */
  authenticator: string;
  factor: "first" | "second";
  fields: readonly AuthenticatorField[];
  /** The step needs the browser (`Authenticator.browserOnly`): a non-browser caller sends the user to the web. */
  browserOnly: boolean;
}

/** A sign-in in progress: the opaque state to keep (sealed by core; store it server-side, never hand it out) and the step to ask. */
export interface DirectSignInProgress {
  state: string;
  prompt: SignInPrompt;
}

/**
 * The result of one submission: the next step; the same step again after wrong input or while the account or address
 * is locked (RFC 9700 §4.16); or `done` with the end-user authentication, vouched by core (OIDC Core §2 amr, acr).
 */
export type DirectSignInOutcome =
  | ({ kind: "next" } & DirectSignInProgress)
  | ({ kind: "invalid" } & DirectSignInProgress)
  | ({ kind: "throttled"; retryAfterSeconds: number } & DirectSignInProgress)
  | { kind: "done"; authentication: AuthenticatedUser };

/**
 * Sign-in without a browser (OAuth 2.0 for First-Party Applications, password grant): core's one sign-in machine with
 * the login-step plugins, their order (every enrolled second factor after the first factor) and the lockout per account
 * and address shared with the login pages. There is no SSO session: every sign-in starts at the first factor.
 */
export interface DirectSignIn {
  /** A new sign-in: the first factor. */
  begin(): Promise<DirectSignInProgress>;
  /** What `state` asks now (a pending second factor the user lost restarts at the first factor); invalid_request for a state core did not seal. */
  current(state: string): Promise<DirectSignInProgress>;
  /**
   * Runs `authenticator` (MUST be the prompt's) with the submitted fields, keyed by the authenticator's field names;
   * failures count against the account and `remoteAddress`. invalid_request for a state core did not seal.
   */
  submit(state: string, input: { authenticator: string; fields: Readonly<Record<string, string>> }, remoteAddress: string): Promise<DirectSignInOutcome>;
}
