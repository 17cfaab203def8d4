import type { AuthorizationCodes, CodeRequest } from "../authorization-codes.js";
import type { AuthenticatedUser } from "../capabilities.js";
import type { DirectSignIn, DirectSignInOutcome, DirectSignInProgress, SignInPrompt } from "../direct-sign-in.js";
import { OAuthErrors } from "../errors.js";

/** The first factor of the fake sign-in: the password step's prompt. */
export const PASSWORD_PROMPT: SignInPrompt = Object.freeze<SignInPrompt>({
  authenticator: "password",
  factor: "first",
  fields: [
    { name: "username", label: "Username", type: "text", autocomplete: "username" },
    { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
  ],
  browserOnly: false,
});

/** The second factor of the fake sign-in: the TOTP step's prompt. */
export const OTP_PROMPT: SignInPrompt = Object.freeze<SignInPrompt>({
  authenticator: "totp",
  factor: "second",
  fields: [{ name: "code", label: "Authentication code", type: "one-time-code", autocomplete: "one-time-code" }],
  browserOnly: false,
});

/** A user of the fake sign-in: the password in clear, and the one-time code of its second factor when it has one. */
export interface FakeSignInUser {
  id: string;
  username: string;
  password: string;
  otp?: string;
}

export interface FakeDirectSignIn extends DirectSignIn {
  /** Each submission's authenticator and remote address, in order. */
  readonly submissions: { authenticator: string; remoteAddress: string }[];
  /** Answers every later submission with `throttled` for `seconds`; 0 lifts it. */
  throttle(seconds: number): void;
}

/**
 * A DirectSignIn over in-memory `users`: password, then the one-time code for users that have one. Its state is plain
 * JSON and its authentications are not vouched: core's sealing, authenticators and lockout are not emulated.
 */
export function fakeDirectSignIn(options: { users: readonly FakeSignInUser[]; now?: () => number }): FakeDirectSignIn {
  const submissions: FakeDirectSignIn["submissions"] = [];
  let throttledFor = 0;
  const progress = (userId?: string): DirectSignInProgress => ({ state: JSON.stringify({ userId }), prompt: userId === undefined ? PASSWORD_PROMPT : OTP_PROMPT });
  const open = (state: string): string | undefined => (JSON.parse(state) as { userId?: string }).userId;
  const done = (user: FakeSignInUser, amr: string[]): DirectSignInOutcome => {
    const authentication: AuthenticatedUser = { subject: user.id, authTime: Math.floor((options.now?.() ?? 0) / 1000), amr, acr: amr.length > 1 ? "mfa" : "pwd" };
    return { kind: "done", authentication };
  };
  return {
    submissions,
    throttle: (seconds) => void (throttledFor = seconds),
    begin: async () => progress(),
    current: async (state) => progress(open(state)),
    async submit(state, input, remoteAddress) {
      submissions.push({ authenticator: input.authenticator, remoteAddress });
      const pending = open(state);
      const asked = progress(pending);
      if (throttledFor > 0) return { kind: "throttled", retryAfterSeconds: throttledFor, ...asked };
      const { fields } = input;
      const user = pending === undefined ? options.users.find((u) => u.username === fields.username && u.password === fields.password) : options.users.find((u) => u.id === pending);
      if (input.authenticator !== asked.prompt.authenticator || !user) return { kind: "invalid", ...asked };
      if (pending === undefined) return user.otp === undefined ? done(user, ["pwd"]) : { kind: "next", ...progress(user.id) };
      return fields.code === user.otp ? done(user, ["pwd", "otp"]) : { kind: "invalid", ...asked };
    },
  };
}

export interface RecordingAuthorizationCodes extends AuthorizationCodes {
  /** Each issued code with its request, in order. */
  readonly issued: (CodeRequest & { authentication: AuthenticatedUser; code: string })[];
}

/** AuthorizationCodes issuing `code-1`, `code-2`…; like core, a request without code_challenge is invalid_request (the scope policy is not emulated). */
export function recordingAuthorizationCodes(): RecordingAuthorizationCodes {
  const issued: RecordingAuthorizationCodes["issued"] = [];
  const check = async (request: CodeRequest) => {
    if (request.codeChallenge === undefined) throw OAuthErrors.invalidRequest("code_challenge is required (PKCE)");
  };
  return {
    issued,
    check,
    async issue(request) {
      await check(request);
      const code = `code-${issued.length + 1}`;
      issued.push({ ...request, code });
      return code;
    },
  };
}
