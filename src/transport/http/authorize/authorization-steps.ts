import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { AuthorizationFlow } from "../../../core/authorize/authorization-flow.js";
import { AuthorizationEndpointError, type AuthorizationRequest, type ResponseTarget } from "../../../core/authorize/authorization-request.js";
import { AuthorizationResponder } from "../../../core/authorize/authorization-responder.js";
import { InteractionStore, type Interaction } from "../../../core/authorize/interaction.store.js";
import { DI } from "../../../core/di-tokens.js";
import type { Session } from "../../../core/sessions/session.js";
import { isOAuthError, OAuthErrors } from "../../../plugin-sdk/errors.js";
import { seeOther, withCookies } from "../browser-responses.js";
import type { EndpointResponse } from "../endpoint.js";
import { errorPageResponse } from "../views/html-response.js";
import { pickLocale } from "../views/i18n.js";
import { BrowserCookies } from "./browser-cookies.js";
import { deliverAuthorizationResponse } from "./deliver-authorization-response.js";
import { InteractionReturn } from "./interaction-return.js";

/** The page shown for an interaction that is unknown, expired, already finished or bound to another browser. */
export const expiredInteraction = () => OAuthErrors.invalidRequest("this sign-in request has expired or was started in another browser; start again from the application");

/** A request from /authorize that is not stored yet: it becomes an interaction only when the user must act. */
interface NewRequest {
  request: AuthorizationRequest;
  id?: undefined;
  returnTo?: undefined;
}

/**
 * Moves an interaction forward (OIDC Core §3.1.2): sends the browser (303, RFC 9700 §4.12) to the page of the next
 * step, or ends it where it belongs: an authorization request with the response to the client (errors to the validated
 * redirect URI or, without one, an error page; RFC 6749 §4.1.2.1), a plugin's browser sign-in back at the plugin's page.
 */
@injectable()
export class AuthorizationSteps {
  private readonly cookies: BrowserCookies;

  constructor(
    @inject(AuthorizationFlow) private readonly flow: AuthorizationFlow,
    @inject(AuthorizationResponder) private readonly responder: AuthorizationResponder,
    @inject(InteractionStore) private readonly interactions: InteractionStore,
    @inject(InteractionReturn) private readonly returns: InteractionReturn,
    @inject(DI.Config) private readonly config: Config,
  ) {
    this.cookies = new BrowserCookies(config);
  }

  /** /authorize: completes the request with the SSO session, or starts its interaction. */
  advance(request: AuthorizationRequest, session: Session | undefined): Promise<EndpointResponse> {
    return this.proceed({ request }, session);
  }

  /** The next step of a stored interaction, or its end; `setCookies` are sent with the response. */
  resume(interaction: Interaction, session: Session | undefined, setCookies: string[] = []): Promise<EndpointResponse> {
    return this.proceed(interaction, session, setCookies);
  }

  private async proceed(subject: Interaction | NewRequest, session: Session | undefined, setCookies: string[] = []): Promise<EndpointResponse> {
    try {
      const next = await this.flow.next(subject.request, session, subject.id === undefined ? undefined : subject);
      if (next.step !== "complete") {
        const current = subject.id === undefined ? await this.interactions.create(subject.request) : subject;
        if (subject.id !== undefined) await this.interactions.save(subject);
        const cookies = [...setCookies, this.cookies.interaction(current.id, this.config.interactionTtl)];
        return withCookies(seeOther(`${this.config.issuer}/interaction/${current.id}`), cookies);
      }
      const locale = pickLocale(subject.request.uiLocales);
      if (subject.id !== undefined && !(await this.interactions.finish(subject.id))) return errorPageResponse(expiredInteraction(), locale);
      if (subject.returnTo) return this.returns.complete(subject, next.user, setCookies);
      const delivered = deliverAuthorizationResponse(await this.responder.success(subject.request, next.user), locale);
      return withCookies(delivered, subject.id !== undefined ? [...setCookies, this.cookies.clearInteraction()] : setCookies);
    } catch (thrown) {
      return this.fail(thrown, subject);
    }
  }

  /**
   * The response to a failed request or interaction: redirected to its validated target (with state and iss, RFC 9207),
   * back to the plugin's page, or an error page when there is no target. Unexpected errors propagate (the router answers 500/503).
   */
  async fail(thrown: unknown, subject?: Interaction | NewRequest): Promise<EndpointResponse> {
    const locale = pickLocale(subject?.request.uiLocales ?? []);
    let target: ResponseTarget | undefined = subject?.returnTo ? undefined : subject?.request;
    let error;
    if (thrown instanceof AuthorizationEndpointError) {
      target = thrown.target;
      error = thrown.error;
    } else if (isOAuthError(thrown) && thrown.error !== "server_error" && thrown.error !== "temporarily_unavailable") {
      error = thrown;
    } else {
      throw thrown;
    }
    if (subject?.returnTo) {
      return (await this.interactions.finish(subject.id)) ? this.returns.fail(subject, error) : errorPageResponse(expiredInteraction(), locale);
    }
    if (!target) return errorPageResponse(error, locale);
    if (subject?.id !== undefined) await this.interactions.finish(subject.id);
    const delivered = deliverAuthorizationResponse(await this.responder.failure(target, error), locale);
    return subject?.id !== undefined ? withCookies(delivered, [this.cookies.clearInteraction()]) : delivered;
  }
}
