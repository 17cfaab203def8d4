/** One form field a login step asks for; the login page renders it, and /authorize-challenge reads the parameter of the same name. */
export interface AuthenticatorField {
  name: string;
  label: string;
  type: "text" | "password" | "one-time-code";
  /** HTML autocomplete token, e.g. "username", "current-password", "one-time-code". */
  autocomplete: string;
}

/** A user as login steps see it; never a password hash or a secret. */
export interface AuthnUser {
  id: string;
  username: string;
  disabled: boolean;
}

/** Core capabilities a login step may use; hashing, unsealing and replay rules are core's (DESIGN "Plugin contracts"). */
export interface AuthenticatorContext {
  /** Epoch milliseconds. */
  now(): number;
  users: {
    findByUsername(username: string): Promise<AuthnUser | undefined>;
    findById(id: string): Promise<AuthnUser | undefined>;
    /** Constant-time check of the user's password against its scrypt hash; false for unknown or disabled users. */
    verifyPassword(userId: string, password: string): Promise<boolean>;
    /** The user's unsealed TOTP secret (RFC 6238), or undefined when TOTP is not enrolled. */
    totpSecret(userId: string): Promise<Buffer | undefined>;
  };
  /** Records `key` (scoped to this authenticator) once for `ttlMs`; false when already recorded (one-time codes are single use, RFC 6238 §5.2). */
  once(key: string, ttlMs: number): Promise<boolean>;
}

/** The outcome of one login step; failures carry no detail a user could use to enumerate accounts. */
export type AuthenticationResult = { ok: true; userId: string } | { ok: false };

/**
 * One login step (OIDC Core §3.1.2.3): "first" steps identify the user (password); "second" steps prove more about a
 * user a first step identified (TOTP). Used by the browser login pages and the first-party challenge endpoint alike.
 */
export interface Authenticator {
  /** Unique id, e.g. "password", "totp". */
  readonly id: string;
  readonly factor: "first" | "second";
  /** RFC 8176 Authentication Method Reference values this step contributes, e.g. ["pwd"] or ["otp"]. */
  readonly amr: readonly string[];
  /** Fields of this step's form; a first step names its account identifier `username` (core throttles failures per its value). */
  readonly fields: readonly AuthenticatorField[];
  /** True when the step cannot be done by posting its fields (e.g. a WebAuthn ceremony): clients without a browser are sent to the web. */
  readonly browserOnly?: boolean;
  /** Second steps: whether the user has this method enrolled (the step is then required; absent means every user). MUST NOT have side effects. */
  enrolled?(userId: string, ctx: AuthenticatorContext): Promise<boolean>;
  /** Verifies the submitted `fields`; `userId` is set for second steps. MUST take the same time for unknown users (no enumeration). */
  authenticate(input: { fields: Readonly<Record<string, string>>; userId?: string }, ctx: AuthenticatorContext): Promise<AuthenticationResult>;
}
