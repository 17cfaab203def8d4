import { inject, injectable } from "tsyringe";
import type { Authenticator } from "../../plugin-sdk/authenticator.js";
import { AuditRecorderToken, type AuditRecorder } from "../audit/audit-trail.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { Session } from "../sessions/session.js";
import { acrFor, satisfiesAcr } from "./acr.js";
import { LoginService } from "./login.service.js";
import type { LoginSteps } from "./login-steps.js";
import type { AuthenticateStep, SignInContext, SignInInput, SignInOutcome, SignInState, SignInView } from "./sign-in.js";

/**
 * The one sign-in state machine (OIDC Core §3.1.2.3): the first factor, then every enrolled second factor in order;
 * step-up when the session misses prompt=login, max_age or the requested acr; throttling as an outcome; account
 * selection. Transport-neutral: callers store the `SignInState`, render the step and turn a `done` login into a session.
 */
@injectable()
export class SignInMachine {
  constructor(
    @inject(LoginService) private readonly login: LoginSteps,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(AuditRecorderToken) private readonly audit: AuditRecorder,
  ) {}

  /** Every enabled first-factor authenticator in plugin order; a sign-in asks for the first of them. */
  firstFactors(): readonly Authenticator[] {
    return this.login.firstFactors();
  }

  /** What to ask next: a pending second factor first, then a sign-in if the session does not count, then account selection. */
  async current(state: SignInState, context: SignInContext): Promise<SignInView> {
    const { session } = context;
    if (state.pending || !session) return this.loginStep(state);
    if (state.authenticated) return { state, step: { kind: "signed_in", session } };
    if (!(await this.reusable(state, context, session))) return this.loginStep(state);
    if (context.requirements.selectAccount && !state.accountSelected) return { state, step: { kind: "select_account", userId: session.userId } };
    return { state, step: { kind: "signed_in", session } };
  }

  /** Applies one submission; failures of the login steps are throttled per account and address (RFC 9700 §4.16). */
  async submit(state: SignInState, input: SignInInput, context: SignInContext, remoteAddress: string): Promise<SignInOutcome> {
    if (input.kind === "authenticate") return this.authenticate(state, input, remoteAddress);
    const chosen = input.choice === "other" ? { ...state, anotherAccount: true } : { ...state, accountSelected: true };
    return { kind: "next", ...(await this.current(chosen, context)) };
  }

  /** Runs the asked authenticator only; a first factor identifies the user, each second factor adds its amr. */
  private async authenticate(state: SignInState, input: Extract<SignInInput, { kind: "authenticate" }>, remoteAddress: string): Promise<SignInOutcome> {
    const asked = await this.loginStep(state);
    const { authenticator } = asked.step;
    if (input.authenticatorId !== authenticator.id) return { kind: "invalid", ...asked };
    const { pending, ...rest } = asked.state;
    const outcome = pending
      ? await this.login.verify(authenticator.id, pending.userId, input.fields, remoteAddress)
      : await this.login.identify(authenticator.id, input.fields, remoteAddress);
    if (!outcome.ok) {
      const who = pending ? { userId: pending.userId } : input.fields.username ? { username: input.fields.username } : {};
      this.audit.record({ type: "sign-in.failed", method: authenticator.id, reason: outcome.reason, ...who, remoteAddress });
      return outcome.reason === "throttled" ? { kind: "throttled", retryAfterSeconds: outcome.retryAfterSeconds, ...asked } : { kind: "invalid", ...asked };
    }
    const login = pending
      ? { ...pending, amr: [...new Set([...pending.amr, ...outcome.amr])], remaining: pending.remaining.slice(1) }
      : { userId: outcome.userId, amr: outcome.amr, remaining: (await this.login.secondFactorsFor(outcome.userId)).map((a) => a.id) };
    if (login.remaining.length > 0) return { kind: "next", ...(await this.loginStep({ ...rest, pending: login })) };
    const completed = { userId: login.userId, amr: login.amr, acr: acrFor(login.amr), authTime: Math.floor(this.clock.now() / 1000) };
    this.audit.record({ type: "sign-in.succeeded", userId: login.userId, methods: login.amr, remoteAddress });
    return { kind: "done", state: { ...rest, authenticated: true }, login: completed };
  }

  /**
   * The pending second factor, or the first factor when none is pending or the user no longer has the pending one (an
   * operator disabled it mid-sign-in): the sign-in then starts over.
   */
  private async loginStep(state: SignInState): Promise<SignInView<AuthenticateStep>> {
    const { pending, ...rest } = state;
    if (pending) {
      const next = (await this.login.secondFactorsFor(pending.userId)).find((a) => a.id === pending.remaining[0]);
      if (next) return { state, step: { kind: "authenticate", authenticator: next } };
    }
    const first = this.firstFactors()[0];
    if (!first) throw new Error("no first-factor authenticator is enabled");
    return { state: pending ? rest : state, step: { kind: "authenticate", authenticator: first } };
  }

  /** Whether the session may stand for this sign-in (OIDC Core §3.1.2.1): not for prompt=login, another account, an exceeded max_age or a weaker acr. */
  private async reusable(state: SignInState, { requirements, acceptsSession }: SignInContext, session: Session): Promise<boolean> {
    if (state.anotherAccount || requirements.reauthenticate) return false;
    if (requirements.maxAge !== undefined && Math.floor(this.clock.now() / 1000) - session.authTime > requirements.maxAge) return false;
    if (!satisfiesAcr(session.acr, requirements.acrValues)) return false;
    return acceptsSession ? acceptsSession(session) : true;
  }
}
