import { inject, injectable } from "tsyringe";
import type { Authenticator } from "../../plugin-sdk/authenticator.js";
import type { DirectSignIn, DirectSignInOutcome, DirectSignInProgress } from "../../plugin-sdk/direct-sign-in.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { SignInContext, SignInState, SignInView } from "../authn/sign-in.js";
import { SignInMachine } from "../authn/sign-in.machine.js";
import { DI } from "../di-tokens.js";
import type { Sealer } from "../keys/key-service.js";
import { vouch } from "../security/vouched.js";

/** Associated data binding sealed states to this use (a sealed value of another kind never opens as one). */
const PURPOSE = "direct-sign-in-state";

/** No browser, hence no SSO session to reuse or select: every sign-in runs the login steps (OIDC Core §3.1.2.3). */
const NO_BROWSER: SignInContext = Object.freeze({
  requirements: Object.freeze({ reauthenticate: false, acrValues: [], selectAccount: false }),
  session: undefined,
});

/**
 * Sign-in without a browser for plugins (PluginTokens.DirectSignIn): the SignInMachine with no session, its state sealed
 * (AES-256-GCM) so a plugin stores it but cannot forge a pending first factor; a completed login is vouched.
 */
@injectable()
export class DirectSignInService implements DirectSignIn {
  constructor(
    @inject(SignInMachine) private readonly machine: SignInMachine,
    @inject(DI.Sealer) private readonly sealer: Sealer,
  ) {}

  async begin(): Promise<DirectSignInProgress> {
    return this.progressAt({});
  }

  async current(state: string): Promise<DirectSignInProgress> {
    return this.progressAt(this.open(state));
  }

  async submit(state: string, input: { authenticator: string; fields: Readonly<Record<string, string>> }, remoteAddress: string): Promise<DirectSignInOutcome> {
    const submission = { kind: "authenticate", authenticatorId: input.authenticator, fields: input.fields } as const;
    const outcome = await this.machine.submit(this.open(state), submission, NO_BROWSER, remoteAddress);
    if (outcome.kind === "done") {
      const { userId, authTime, amr, acr } = outcome.login;
      return { kind: "done", authentication: vouch({ subject: userId, authTime, amr, acr }) };
    }
    const progress = this.progress(outcome);
    if (outcome.kind === "throttled") return { kind: "throttled", retryAfterSeconds: outcome.retryAfterSeconds, ...progress };
    return outcome.kind === "invalid" ? { kind: "invalid", ...progress } : { kind: "next", ...progress };
  }

  private async progressAt(state: SignInState): Promise<DirectSignInProgress> {
    return this.progress(await this.machine.current(state, NO_BROWSER));
  }

  /** Without a session every step is an authenticator's (SignInMachine.current). */
  private progress(view: SignInView): DirectSignInProgress {
    if (view.step.kind !== "authenticate") throw new Error(`a sign-in without a session reached ${view.step.kind}`);
    return { state: this.sealer.seal(JSON.stringify(view.state), PURPOSE), prompt: promptOf(view.step.authenticator) };
  }

  private open(sealed: string): SignInState {
    try {
      return JSON.parse(this.sealer.unseal(sealed, PURPOSE)) as SignInState;
    } catch (cause) {
      throw OAuthErrors.invalidRequest("the sign-in state is invalid", { cause });
    }
  }
}

/** What a caller needs to ask for a step: never the authenticator itself, whose checks only core may run. */
function promptOf(authenticator: Authenticator): DirectSignInProgress["prompt"] {
  return { authenticator: authenticator.id, factor: authenticator.factor, fields: authenticator.fields, browserOnly: authenticator.browserOnly === true };
}
