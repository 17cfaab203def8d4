import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { AuthenticationResult, Authenticator, AuthenticatorContext } from "../../plugin-sdk/authenticator.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import type { DurableStorage } from "../ports/repositories.js";
import { FailureLockout, type LockoutSubject } from "../security/failure-lockout.js";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../users/password-hasher.js";
import { TotpSecretService } from "../users/totp-secret.service.js";
import { toAuthnUser } from "../plugin-capabilities/user-directory.js";
import { AuthenticatorsToken } from "./authenticators.js";
import type { LoginStepOutcome, LoginSteps } from "./login-steps.js";

/**
 * Runs the login-step plugins (OIDC Core §3.1.2.3) with core's capabilities and brute-force protection (RFC 9700
 * §4.16): failures are counted per username (lower-cased) and per client IP; a locked subject's step is not run.
 */
@injectable()
export class LoginService implements LoginSteps {
  private readonly contexts: ReadonlyMap<string, AuthenticatorContext>;

  constructor(
    @inject(AuthenticatorsToken) private readonly authenticators: readonly Authenticator[],
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Config) private readonly config: Config,
    @inject(TotpSecretService) private readonly totp: TotpSecretService,
    @inject(FailureLockout) private readonly lockout: FailureLockout,
  ) {
    this.contexts = new Map(authenticators.map((a) => [a.id, this.contextFor(a.id)]));
  }

  /** The enabled first-factor authenticators, in plugin order. */
  firstFactors(): readonly Authenticator[] {
    return this.authenticators.filter((a) => a.factor === "first");
  }

  /** Runs a first step; failures count against the submitted `username` and `remoteAddress`. Unknown id: invalid_request. */
  async identify(authenticatorId: string, fields: Readonly<Record<string, string>>, remoteAddress: string): Promise<LoginStepOutcome> {
    const step = this.step(authenticatorId, "first");
    return this.run(step, this.subjects(fields.username ?? "", remoteAddress), (ctx) => step.authenticate({ fields }, ctx));
  }

  /** Second-factor authenticators `userId` has enrolled (one without `enrolled` applies to every user). */
  async secondFactorsFor(userId: string): Promise<readonly Authenticator[]> {
    const second = this.authenticators.filter((a) => a.factor === "second");
    const enrolled = await Promise.all(second.map((a) => a.enrolled?.(userId, this.contexts.get(a.id)!) ?? true));
    return second.filter((_, i) => enrolled[i]);
  }

  /** Runs a second step for `userId`; failures count against the user's username and `remoteAddress`. Unknown id: invalid_request. */
  async verify(authenticatorId: string, userId: string, fields: Readonly<Record<string, string>>, remoteAddress: string): Promise<LoginStepOutcome> {
    const step = this.step(authenticatorId, "second");
    const user = await this.storage.users.findById(userId);
    if (!user || user.disabled) return { ok: false, reason: "invalid" };
    const outcome = await this.run(step, this.subjects(user.username, remoteAddress), (ctx) => step.authenticate({ fields, userId }, ctx));
    return outcome.ok && outcome.userId !== userId ? { ok: false, reason: "invalid" } : outcome;
  }

  private step(id: string, factor: Authenticator["factor"]): Authenticator {
    const step = this.authenticators.find((a) => a.id === id && a.factor === factor);
    if (!step) throw OAuthErrors.invalidRequest(`unknown ${factor}-factor login step`);
    return step;
  }

  /** The address always; the account when a username was given (an empty one must not lock everybody out). */
  private subjects(username: string, remoteAddress: string): LockoutSubject[] {
    const address = { key: `login:ip:${remoteAddress}`, limit: this.config.loginIpFailureLimit };
    return username === "" ? [address] : [{ key: `login:user:${username.toLowerCase()}`, limit: this.config.loginFailureLimit }, address];
  }

  private async run(step: Authenticator, subjects: LockoutSubject[], attempt: (ctx: AuthenticatorContext) => Promise<AuthenticationResult>): Promise<LoginStepOutcome> {
    const windowMs = this.config.loginLockoutSeconds * 1000;
    const retryAfterSeconds = await this.lockout.retryAfter(subjects.map((s) => s.key), windowMs);
    if (retryAfterSeconds !== undefined) return { ok: false, reason: "throttled", retryAfterSeconds };
    const result = await attempt(this.contexts.get(step.id)!);
    if (result.ok) return { ok: true, userId: result.userId, amr: [...step.amr] };
    await this.lockout.record(subjects, windowMs);
    return { ok: false, reason: "invalid" };
  }

  /** The capabilities one authenticator sees; its `once` keys live in its own namespace. */
  private contextFor(authenticatorId: string): AuthenticatorContext {
    const users = this.storage.users;
    return {
      now: () => this.clock.now(),
      users: {
        findByUsername: async (username) => toAuthnUser(await users.findByUsername(username)),
        findById: async (id) => toAuthnUser(await users.findById(id)),
        verifyPassword: async (userId, password) => {
          const user = await users.findById(userId);
          const matches = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
          return matches && user !== undefined && !user.disabled;
        },
        totpSecret: async (userId) => {
          const user = await users.findById(userId);
          return user && this.totp.secretOf(user);
        },
      },
      once: (key, ttlMs) => this.store.putIfAbsent(`authn:once:${authenticatorId}:${key}`, "1", ttlMs),
    };
  }
}
