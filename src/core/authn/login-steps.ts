import type { Authenticator } from "../../plugin-sdk/authenticator.js";

/** The result of a login step run through core: throttled, audited, amr collected (OIDC Core §2 amr). */
export type LoginStepOutcome =
  | { ok: true; userId: string; amr: string[] }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/** What the SignInMachine needs from core's login service (implemented by core/authn/login.service.ts). */
export interface LoginSteps {
  /** The enabled first-factor authenticators, in plugin order. */
  firstFactors(): readonly Authenticator[];
  /** Runs first-factor `authenticatorId` with the submitted fields; throttled per username and per client IP. */
  identify(authenticatorId: string, fields: Readonly<Record<string, string>>, remoteAddress: string): Promise<LoginStepOutcome>;
  /** Second-factor authenticators the user has enrolled (each must then be passed). */
  secondFactorsFor(userId: string): Promise<readonly Authenticator[]>;
  /** Runs second-factor `authenticatorId` for a user the first factor identified; throttled per user. */
  verify(authenticatorId: string, userId: string, fields: Readonly<Record<string, string>>, remoteAddress: string): Promise<LoginStepOutcome>;
}
