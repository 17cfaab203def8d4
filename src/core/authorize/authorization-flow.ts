import { inject, injectable } from "tsyringe";
import { OAuthErrors, type OAuthError } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import { ConsentService } from "../sessions/consent.service.js";
import type { Session } from "../sessions/session.js";
import { ACR } from "../authn/acr.js";
import { IdTokenHintVerifier } from "../tokens/id-token-hint.verifier.js";
import { SubjectResolver } from "../users/subject-resolver.js";
import { AuthorizationEndpointError, type AuthorizationRequest, type AuthorizedUser } from "./authorization-request.js";
import type { Interaction } from "./interaction.store.js";

/** What the user must do next for an authorization request, or the user it completes for (OIDC Core §3.1.2.3–3.1.2.5). */
export type NextStep =
  | { step: "login" }
  | { step: "select_account"; session: Session }
  | { step: "consent"; session: Session }
  | { step: "complete"; user: AuthorizedUser };

/**
 * Decides each authorization step from the request, the browser's SSO session and what the user already did in this
 * interaction: prompt, max_age, acr_values and id_token_hint (OIDC Core §3.1.2.1), remembered consent (§3.1.2.4); prompt=none
 * turns any needed interaction into its error (§3.1.2.6), redirected to the validated redirect URI.
 */
@injectable()
export class AuthorizationFlow {
  constructor(
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(ConsentService) private readonly consents: ConsentService,
    @inject(IdTokenHintVerifier) private readonly hints: IdTokenHintVerifier,
    @inject(SubjectResolver) private readonly subjects: SubjectResolver,
  ) {}

  async next(request: AuthorizationRequest, session: Session | undefined, progress?: Interaction): Promise<NextStep> {
    const silent = request.prompt.has("none");
    const refuse = (error: OAuthError): never => {
      throw new AuthorizationEndpointError(error, request);
    };
    if (!session || (await this.needsLogin(request, session, progress))) {
      return silent ? refuse(OAuthErrors.loginRequired("the end-user must sign in")) : { step: "login" };
    }
    if (request.prompt.has("select_account") && !progress?.accountSelected && !progress?.authenticated) {
      return silent ? refuse(OAuthErrors.accountSelectionRequired("the end-user must select an account")) : { step: "select_account", session };
    }
    if (await this.needsConsent(request, session, progress)) {
      return silent ? refuse(OAuthErrors.consentRequired("the end-user must consent")) : { step: "consent", session };
    }
    return {
      step: "complete",
      user: { userId: session.userId, sessionId: session.id, authTime: session.authTime, acr: session.acr, amr: session.amr, scopes: request.scopes },
    };
  }

  /** prompt=login, "use another account", an exceeded max_age, or an id_token_hint naming another user. */
  private async needsLogin(request: AuthorizationRequest, session: Session, progress: Interaction | undefined): Promise<boolean> {
    if (progress?.authenticated) return false;
    if (progress?.forceLogin || request.prompt.has("login")) return true;
    if (request.maxAge !== undefined && Math.floor(this.clock.now() / 1000) - session.authTime > request.maxAge) return true;
    if (wantsMultiFactor(request) && session.acr !== ACR.multiFactor) return true;
    return !(await this.hintMatches(request, session));
  }

  /** True without a hint; a hint that fails verification is invalid_request (OIDC Core §3.1.2.1). */
  private async hintMatches(request: AuthorizationRequest, session: Session): Promise<boolean> {
    if (request.idTokenHint === undefined) return true;
    let subject: string;
    try {
      subject = (await this.hints.verify(request.idTokenHint)).subject;
    } catch (error) {
      throw new AuthorizationEndpointError(OAuthErrors.invalidRequest("id_token_hint is invalid", { cause: error }), request);
    }
    return subject === (await this.subjects.forClient(request.client, session.userId));
  }

  /** First-party clients (operator-set skip_consent) never ask; others ask on prompt=consent or for scopes not yet consented. */
  private async needsConsent(request: AuthorizationRequest, session: Session, progress: Interaction | undefined): Promise<boolean> {
    if (request.client.metadata.skip_consent === true || progress?.consented) return false;
    if (request.prompt.has("consent")) return true;
    return !(await this.consents.covers(session.userId, request.client.clientId, request.scopes));
  }
}

/**
 * True when the request asks for the multi-factor acr, in acr_values or as the `acr` claim's value(s) (OIDC Core
 * §3.1.2.1, §5.5.1.1): a single-factor session then signs in again once, so an enrolled second factor is used.
 */
function wantsMultiFactor(request: AuthorizationRequest): boolean {
  const claim = request.claims?.id_token?.acr;
  const claimed = claim ? [claim.value, ...(claim.values ?? [])] : [];
  return request.acrValues.includes(ACR.multiFactor) || claimed.includes(ACR.multiFactor);
}
