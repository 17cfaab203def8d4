import { timingSafeEqual } from "node:crypto";
import type { AuthenticationResult, Authenticator, AuthenticatorContext } from "portcullis/plugin-sdk";
import { hotp, timeStep, TOTP_STEP_MS } from "./rfc6238.js";

/** Steps accepted either side of the current one (RFC 6238 §5.2: one step of network delay and clock drift). */
const DRIFT_STEPS = 1;
const CODE = /^\d{6}$/;

/** A 6-digit time-based one-time password as second factor (RFC 6238; RFC 8176 §2 `otp`). */
export class TotpAuthenticator implements Authenticator {
  readonly id = "totp";
  readonly factor = "second";
  readonly amr = ["otp"];
  readonly fields = [{ name: "code", label: "Authentication code", type: "one-time-code", autocomplete: "one-time-code" }] as const;

  /** Enrolled when the user has a TOTP secret. */
  async enrolled(userId: string, ctx: AuthenticatorContext): Promise<boolean> {
    return (await ctx.users.totpSecret(userId)) !== undefined;
  }

  /** Accepts the code of the current step ±1, compared in constant time, at most once per user and step (RFC 6238 §5.2). */
  async authenticate(input: { fields: Readonly<Record<string, string>>; userId?: string }, ctx: AuthenticatorContext): Promise<AuthenticationResult> {
    const code = input.fields.code ?? "";
    const secret = input.userId === undefined ? undefined : await ctx.users.totpSecret(input.userId);
    if (input.userId === undefined || secret === undefined || !CODE.test(code)) return { ok: false };
    const now = timeStep(ctx.now());
    let matched: number | undefined;
    for (let step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
      if (timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(code))) matched = step;
    }
    if (matched === undefined) return { ok: false };
    // A step's code is accepted until the end of step + DRIFT_STEPS, so remember it that long (at most 2·drift + 1 steps).
    const fresh = await ctx.once(`${input.userId}:${matched}`, (2 * DRIFT_STEPS + 1) * TOTP_STEP_MS);
    return fresh ? { ok: true, userId: input.userId } : { ok: false };
  }
}
