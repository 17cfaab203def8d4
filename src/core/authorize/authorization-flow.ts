import { inject, injectable } from "tsyringe";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { AuthenticateStep, SelectAccountStep, SignInContext, SignInRequirements, SignInView } from "../authn/sign-in.js";
import { SignInMachine } from "../authn/sign-in.machine.js";
import { ConsentService } from "../sessions/consent.service.js";
import type { Session } from "../sessions/session.js";
import { IdTokenHintVerifier } from "../tokens/id-token-hint.verifier.js";
import { SubjectResolver } from "../users/subject-resolver.js";
import type { AuthorizedUser, InteractionRequest } from "./authorization-request.js";
import type { Interaction } from "./interaction.store.js";

/** What the user must do next for an interaction request, or the user it completes for (OIDC Core §3.1.2.3–3.1.2.5). */
export type NextStep =
  | { step: "sign_in"; signIn: SignInView<AuthenticateStep | SelectAccountStep> }
  | { step: "consent"; session: Session }
  | { step: "complete"; user: AuthorizedUser };

/**
 * Decides each authorization step: the sign-in (login, step-up, account selection) through the SignInMachine from the
 * request's prompt, max_age, acr_values and id_token_hint (OIDC Core §3.1.2.1), then remembered consent (§3.1.2.4);
 * prompt=none turns any needed interaction into its error (§3.1.2.6). Errors are plain OAuthErrors: the caller sends
 * them where its request ends (the validated redirect URI, or the plugin page a browser sign-in returns to).
 */
@injectable()
export class AuthorizationFlow {
  constructor(
    @inject(SignInMachine) private readonly signIn: SignInMachine,
    @inject(ConsentService) private readonly consents: ConsentService,
    @inject(IdTokenHintVerifier) private readonly hints: IdTokenHintVerifier,
    @inject(SubjectResolver) private readonly subjects: SubjectResolver,
  ) {}

  async next(request: InteractionRequest, session: Session | undefined, progress?: Interaction): Promise<NextStep> {
    const silent = request.prompt.has("none");
    const { state, step } = await this.signIn.current(progress?.signIn ?? {}, this.signInContext(request, session));
    if (step.kind === "authenticate") {
      if (silent) throw OAuthErrors.loginRequired("the end-user must sign in");
      return { step: "sign_in", signIn: { state, step } };
    }
    if (step.kind === "select_account") {
      if (silent) throw OAuthErrors.accountSelectionRequired("the end-user must select an account");
      return { step: "sign_in", signIn: { state, step } };
    }
    const signedIn = step.session;
    if (await this.needsConsent(request, signedIn, progress)) {
      if (silent) throw OAuthErrors.consentRequired("the end-user must consent");
      return { step: "consent", session: signedIn };
    }
    return {
      step: "complete",
      user: { userId: signedIn.userId, sessionId: signedIn.id, authTime: signedIn.authTime, acr: signedIn.acr, amr: signedIn.amr, scopes: request.scopes },
    };
  }

  /** The sign-in this request asks for: its requirements, the session, and an id_token_hint that must name the session's user. */
  signInContext(request: InteractionRequest, session: Session | undefined): SignInContext {
    return { requirements: requirementsOf(request), session, acceptsSession: (candidate) => this.hintMatches(request, candidate) };
  }

  /** True without a hint; a hint that fails verification is invalid_request (OIDC Core §3.1.2.1). */
  private async hintMatches(request: InteractionRequest, session: Session): Promise<boolean> {
    if (request.idTokenHint === undefined) return true;
    let subject: string;
    try {
      subject = (await this.hints.verify(request.idTokenHint)).subject;
    } catch (error) {
      throw OAuthErrors.invalidRequest("id_token_hint is invalid", { cause: error });
    }
    return subject === (await this.subjects.forClient(request.client, session.userId));
  }

  /** First-party clients (operator-set skip_consent) never ask; others ask on prompt=consent or for scopes not yet consented. */
  private async needsConsent(request: InteractionRequest, session: Session, progress: Interaction | undefined): Promise<boolean> {
    if (request.client.metadata.skip_consent === true || progress?.consented) return false;
    if (request.prompt.has("consent")) return true;
    return !(await this.consents.covers(session.userId, request.client.clientId, request.scopes));
  }
}

/** The sign-in requirements of an authorization request; requested acr values come from acr_values and the `acr` claim (OIDC Core §3.1.2.1, §5.5.1.1). */
function requirementsOf(request: InteractionRequest): SignInRequirements {
  const claim = request.claims?.id_token?.acr;
  const claimed = claim ? [claim.value, ...(claim.values ?? [])].filter((value): value is string => typeof value === "string") : [];
  return {
    reauthenticate: request.prompt.has("login"),
    maxAge: request.maxAge,
    acrValues: [...request.acrValues, ...claimed],
    selectAccount: request.prompt.has("select_account"),
  };
}
