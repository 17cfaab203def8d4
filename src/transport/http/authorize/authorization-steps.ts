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

/** The page shown for an interaction that is unknown, expired, already finished or bound to another browser. */
export const expiredInteraction = () => OAuthErrors.invalidRequest("this sign-in request has expired or was started in another browser; start again from the application");

/**
 * Moves an authorization request forward (OIDC Core §3.1.2): completes it with a redirect to the client, or sends the
 * browser (303, RFC 9700 §4.12) to the interaction page of the next step; errors go to the validated redirect URI or,
 * without one, to an error page (RFC 6749 §4.1.2.1).
 */
@injectable()
export class AuthorizationSteps {
  private readonly cookies: BrowserCookies;

  constructor(
    @inject(AuthorizationFlow) private readonly flow: AuthorizationFlow,
    @inject(AuthorizationResponder) private readonly responder: AuthorizationResponder,
    @inject(InteractionStore) private readonly interactions: InteractionStore,
    @inject(DI.Config) private readonly config: Config,
  ) {
    this.cookies = new BrowserCookies(config);
  }

  /** Completes the request or redirects to the next interaction step; `setCookies` are sent with the response. */
  async advance(request: AuthorizationRequest, session: Session | undefined, interaction?: Interaction, setCookies: string[] = []): Promise<EndpointResponse> {
    try {
      const next = await this.flow.next(request, session, interaction);
      if (next.step !== "complete") {
        const current = interaction ?? (await this.interactions.create(request));
        if (interaction) await this.interactions.save(interaction);
        const cookies = [...setCookies, this.cookies.interaction(current.id, this.config.interactionTtl)];
        return withCookies(seeOther(`${this.config.issuer}/interaction/${current.id}`), cookies);
      }
      if (interaction && !(await this.interactions.finish(interaction.id))) return errorPageResponse(expiredInteraction(), pickLocale(request.uiLocales));
      const delivered = deliverAuthorizationResponse(await this.responder.success(request, next.user), pickLocale(request.uiLocales));
      return withCookies(delivered, interaction ? [...setCookies, this.cookies.clearInteraction()] : setCookies);
    } catch (thrown) {
      return this.fail(thrown, request, interaction);
    }
  }

  /**
   * The response to a failed request: redirected to its validated target (with state and iss, RFC 9207), or an error
   * page when there is none. Unexpected errors propagate (the router answers 500/503).
   */
  async fail(thrown: unknown, request?: AuthorizationRequest, interaction?: Interaction): Promise<EndpointResponse> {
    const locale = pickLocale(request?.uiLocales ?? []);
    let target: ResponseTarget | undefined = request;
    let error;
    if (thrown instanceof AuthorizationEndpointError) {
      target = thrown.target;
      error = thrown.error;
    } else if (isOAuthError(thrown) && thrown.error !== "server_error" && thrown.error !== "temporarily_unavailable") {
      error = thrown;
    } else {
      throw thrown;
    }
    if (!target) return errorPageResponse(error, locale);
    if (interaction) await this.interactions.finish(interaction.id);
    const delivered = deliverAuthorizationResponse(await this.responder.failure(target, error), locale);
    return interaction ? withCookies(delivered, [this.cookies.clearInteraction()]) : delivered;
  }
}
