import type { Authenticator } from "../../plugin-sdk/authenticator.js";
import type { Session } from "../sessions/session.js";

/** A first factor passed in this sign-in; the enrolled second factors still to pass, in order (OIDC Core §3.1.2.3). */
export interface PendingLogin {
  userId: string;
  amr: string[];
  remaining: string[];
}

/**
 * A sign-in in progress: plain JSON its caller stores between requests (the interaction of an authorization request;
 * later a device authorization or an authorization-challenge session). `{}` starts one (OIDC Core §3.1.2.3).
 */
export interface SignInState {
  pending?: PendingLogin;
  /** The user signed in during this sign-in: the session then counts whatever was required (no loops). */
  authenticated?: boolean;
  /** prompt=select_account was answered with "continue as the signed-in user". */
  accountSelected?: boolean;
  /** "Use another account" was chosen: the existing session does not count. */
  anotherAccount?: boolean;
}

/** What the request asks of the sign-in (OIDC Core §3.1.2.1 prompt, max_age, acr_values); derived by the caller. */
export interface SignInRequirements {
  /** prompt=login: the existing session never counts. */
  reauthenticate: boolean;
  /** max_age: the session's auth_time may be at most this many seconds old. */
  maxAge?: number | undefined;
  /** Requested acr values (acr_values and the `acr` claim's values), judged by `satisfiesAcr`. */
  acrValues: readonly string[];
  /** prompt=select_account: the user confirms the session's account or signs in as another. */
  selectAccount: boolean;
}

/** Everything besides the state that a sign-in step depends on; built afresh for every request. */
export interface SignInContext {
  requirements: SignInRequirements;
  /** The browser's SSO session (OIDC Core §3.1.2.3), if any. */
  session: Session | undefined;
  /** The caller's own condition for reusing the session, checked last (e.g. an id_token_hint naming its user). */
  acceptsSession?: (session: Session) => Promise<boolean>;
}

/** A login completed in this sign-in (OIDC Core §2 auth_time, amr, acr); the caller turns it into a session. */
export interface CompletedLogin {
  userId: string;
  amr: string[];
  acr: string;
  /** Epoch seconds. */
  authTime: number;
}

/** Ask for one authenticator's fields: the pending second factor, or the first factor. */
export interface AuthenticateStep {
  kind: "authenticate";
  authenticator: Authenticator;
}

/** prompt=select_account: continue as `userId` (the session's user) or sign in as another one. */
export interface SelectAccountStep {
  kind: "select_account";
  userId: string;
}

/** Nothing left to ask: the existing session satisfies this sign-in. */
export interface SignedInStep {
  kind: "signed_in";
  session: Session;
}

export type SignInStep = AuthenticateStep | SelectAccountStep | SignedInStep;

/** The step to take and the state to store (the given object itself unless the machine changed it). */
export interface SignInView<Step extends SignInStep = SignInStep> {
  state: SignInState;
  step: Step;
}

/** What the user submitted: one authenticator's fields, or an account-selection choice. */
export type SignInInput =
  | { kind: "authenticate"; authenticatorId: string; fields: Readonly<Record<string, string>> }
  | { kind: "select_account"; choice: "current" | "other" };

/**
 * The result of a submission, with the state to store: move on to `step`; the same step again after wrong input or
 * while throttled (RFC 9700 §4.16); or `done` with a login completed just now.
 */
export type SignInOutcome =
  | ({ kind: "next" } & SignInView)
  | ({ kind: "invalid" } & SignInView<AuthenticateStep>)
  | ({ kind: "throttled"; retryAfterSeconds: number } & SignInView<AuthenticateStep>)
  | { kind: "done"; state: SignInState; login: CompletedLogin };
