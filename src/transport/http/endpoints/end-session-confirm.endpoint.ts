import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { DI } from "../../../core/di-tokens.js";
import { LogoutConfirmationStore, type PendingLogout } from "../../../core/sessions/logout-confirmation.store.js";
import { LogoutRequestValidator } from "../../../core/sessions/logout-request.validator.js";
import { LogoutService } from "../../../core/sessions/logout.service.js";
import { SessionManager } from "../../../core/sessions/session-manager.js";
import { OAuthErrors } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { BrowserCookies } from "../authorize/browser-cookies.js";
import { readCookie, SESSION_COOKIE } from "../cookies.js";
import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";
import { afterLogout, returnToClient, uiLocaleTags, type LogoutTarget } from "../logout/logout-responses.js";
import { errorPageResponse } from "../views/html-response.js";
import { pickLocale } from "../views/i18n.js";

/**
 * POST /end_session/confirm: the answer to the logout confirmation (OIDC RP-Initiated Logout §2). The form's token is
 * single-use and bound to the session it was issued for, so another site cannot end (or another browser's session
 * answer for) the user's session. logout=yes ends the session, clears its cookie and returns to the validated target
 * (§3). logout=no keeps the OP session: the browser still returns to a validated post_logout_redirect_uri (the RP has
 * ended its own session and asked to get the user back), and without one the answer is 204 (the browser stays put).
 */
@injectable()
export class EndSessionConfirmEndpoint implements HttpEndpoint {
  readonly path = "/end_session/confirm";
  readonly methods = ["POST"] as const;
  private readonly cookies: BrowserCookies;

  constructor(
    @inject(LogoutConfirmationStore) private readonly confirmations: LogoutConfirmationStore,
    @inject(LogoutRequestValidator) private readonly validator: LogoutRequestValidator,
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(LogoutService) private readonly logout: LogoutService,
    @inject(DI.Config) config: Config,
  ) {
    this.cookies = new BrowserCookies(config);
  }

  async handle(http: EndpointRequest): Promise<EndpointResponse> {
    const pending = await this.confirmations.consume(http.params.get("csrf"));
    if (!pending) return errorPageResponse(OAuthErrors.invalidRequest("this sign-out request has expired or was already answered; start again from the application"));
    const locale = pickLocale(uiLocaleTags(pending.uiLocales));
    const session = await this.sessions.fromCookie(readCookie(http, SESSION_COOKIE));
    if (session && session.id !== pending.sessionId) {
      return errorPageResponse(OAuthErrors.invalidRequest("you signed in again since this sign-out was requested; start again from the application"), locale);
    }
    const target = await this.target(pending);
    if (http.params.get("logout") !== "yes") {
      return target.postLogoutRedirectUri === undefined ? { status: 204, headers: { "cache-control": "no-store" } } : returnToClient(target.postLogoutRedirectUri, target.state);
    }
    if (session) await this.logout.logout(session.id);
    return afterLogout(target, locale, [this.cookies.clearSession()]);
  }

  /** The pending redirect, dropped when the client no longer registers it (re-checked: the answer may come minutes later). */
  private async target(pending: PendingLogout): Promise<LogoutTarget> {
    const { clientId, postLogoutRedirectUri: uri, state } = pending;
    if (clientId === undefined || uri === undefined || !(await this.validator.stillRegistered(clientId, uri))) return {};
    return { postLogoutRedirectUri: uri, ...(state !== undefined && { state }) };
  }
}
