import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import type { AuthorizedUser } from "../../../core/authorize/authorization-request.js";
import { InteractionResults, RESULT_TTL_MS, type InteractionOutcome } from "../../../core/authorize/interaction-results.store.js";
import type { ReturningInteraction } from "../../../core/authorize/interaction.store.js";
import { DI } from "../../../core/di-tokens.js";
import { SessionManager } from "../../../core/sessions/session-manager.js";
import type { OAuthError } from "../../../plugin-sdk/errors.js";
import { seeOther, withCookies } from "../browser-responses.js";
import type { EndpointResponse } from "../endpoint.js";
import { BrowserCookies } from "./browser-cookies.js";

/** The query parameter carrying a browser sign-in's result reference back to the plugin's page. */
export const RESULT_PARAMETER = "interaction_result";

/**
 * Ends a plugin's browser sign-in (BrowserSignIn capability): stores the outcome and sends the browser (303, RFC 9700
 * §4.12) back to the plugin's page with a one-time reference, which a cookie on that path binds to this browser.
 */
@injectable()
export class InteractionReturn {
  private readonly cookies: BrowserCookies;

  constructor(
    @inject(InteractionResults) private readonly results: InteractionResults,
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(DI.Config) private readonly config: Config,
  ) {
    this.cookies = new BrowserCookies(config);
  }

  /** The user signed in and consented: the client is recorded in the session (Back-Channel Logout §2.1), the authentication goes back. */
  async complete(interaction: ReturningInteraction, user: AuthorizedUser, setCookies: string[]): Promise<EndpointResponse> {
    await this.sessions.recordClient(user.sessionId, interaction.request.client.clientId);
    const authentication = { subject: user.userId, authTime: user.authTime, amr: user.amr, ...(user.acr !== undefined && { acr: user.acr }), sessionId: user.sessionId };
    return this.back(interaction, { approved: true, authentication, scopes: user.scopes }, setCookies);
  }

  /** The user denied, or the sign-in could not continue: the OAuth error goes back (e.g. access_denied, OIDC Core §3.1.2.6). */
  fail(interaction: ReturningInteraction, error: OAuthError): Promise<EndpointResponse> {
    return this.back(interaction, { approved: false, error: error.error }, []);
  }

  private async back(interaction: ReturningInteraction, outcome: InteractionOutcome, setCookies: string[]): Promise<EndpointResponse> {
    const { path } = interaction.returnTo;
    const reference = await this.results.issue(interaction.returnTo, outcome);
    const cookies = [...setCookies, this.cookies.clearInteraction(), this.cookies.result(reference, path, RESULT_TTL_MS / 1000)];
    return withCookies(seeOther(`${this.config.issuer}${path}?${RESULT_PARAMETER}=${reference}`), cookies);
  }
}
