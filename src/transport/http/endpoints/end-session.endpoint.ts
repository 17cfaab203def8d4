import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { DI } from "../../../core/di-tokens.js";
import { LogoutConfirmationStore } from "../../../core/sessions/logout-confirmation.store.js";
import { LogoutRequestValidator, type LogoutRequest } from "../../../core/sessions/logout-request.validator.js";
import { LogoutService } from "../../../core/sessions/logout.service.js";
import { SessionManager } from "../../../core/sessions/session-manager.js";
import { isOAuthError } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { BrowserCookies } from "../authorize/browser-cookies.js";
import { readCookie, SESSION_COOKIE } from "../cookies.js";
import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";
import { afterLogout, uiLocaleTags } from "../logout/logout-responses.js";
import { errorPageResponse, htmlResponse } from "../views/html-response.js";
import { pickLocale } from "../views/i18n.js";
import { renderLogoutConfirmPage } from "../views/logout-confirm.page.js";

/**
 * GET and POST /end_session (OIDC RP-Initiated Logout 1.0 §2–3). An invalid request (bad or unsigned id_token_hint,
 * client mismatch, unregistered post_logout_redirect_uri) is an error page, never a redirect. Without a live session
 * there is nothing to end: the browser goes straight to the validated target. When the hint's `sid` is the browser's
 * current session and the RP is identified, the RP evidently holds this session's ID token and the session ends at
 * once; otherwise the user is asked (§2 MUST) on a page posting to /end_session/confirm with a single-use token.
 */
@injectable()
export class EndSessionEndpoint implements HttpEndpoint {
  readonly path = "/end_session";
  readonly methods = ["GET", "POST"] as const;
  private readonly cookies: BrowserCookies;

  constructor(
    @inject(LogoutRequestValidator) private readonly validator: LogoutRequestValidator,
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(LogoutService) private readonly logout: LogoutService,
    @inject(LogoutConfirmationStore) private readonly confirmations: LogoutConfirmationStore,
    @inject(DI.Config) private readonly config: Config,
  ) {
    this.cookies = new BrowserCookies(config);
  }

  async handle(http: EndpointRequest): Promise<EndpointResponse> {
    const locale = pickLocale(uiLocaleTags(http.params.get("ui_locales")));
    let request: LogoutRequest;
    try {
      request = await this.validator.validate(http.params);
    } catch (error) {
      if (isOAuthError(error)) return errorPageResponse(error, locale);
      throw error;
    }
    const session = await this.sessions.fromCookie(readCookie(http, SESSION_COOKIE));
    if (!session) return afterLogout(request, locale);
    if (request.client && request.hint?.sessionId === session.id) {
      await this.logout.logout(session.id);
      return afterLogout(request, locale, [this.cookies.clearSession()]);
    }
    const csrf = await this.confirmations.issue({
      sessionId: session.id,
      ...(request.client && { clientId: request.client.clientId }),
      ...(request.postLogoutRedirectUri !== undefined && { postLogoutRedirectUri: request.postLogoutRedirectUri }),
      ...(request.state !== undefined && { state: request.state }),
      ...(request.uiLocales !== undefined && { uiLocales: request.uiLocales }),
    });
    const clientName = request.client && (request.client.metadata.client_name ?? request.client.clientId);
    const html = renderLogoutConfirmPage({ locale, action: `${this.config.issuer}/end_session/confirm`, csrf, hidden: {}, ...(clientName && { clientName }) });
    // CSP form-action also governs the redirect that follows the submit: allow the validated target only.
    return htmlResponse(200, html, { formActions: request.postLogoutRedirectUri === undefined ? [] : [request.postLogoutRedirectUri] });
  }
}
