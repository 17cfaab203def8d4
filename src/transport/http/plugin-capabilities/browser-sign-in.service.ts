import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import type { InteractionRequest } from "../../../core/authorize/authorization-request.js";
import { InteractionResults } from "../../../core/authorize/interaction-results.store.js";
import { InteractionStore } from "../../../core/authorize/interaction.store.js";
import { ClientCache } from "../../../core/clients/client-cache.js";
import { DI } from "../../../core/di-tokens.js";
import { AuthorizationStanding } from "../../../core/plugin-capabilities/authorization-standing.js";
import { digestMatches, secretDigest } from "../../../core/security/digest.js";
import { SessionManager } from "../../../core/sessions/session-manager.js";
import type { BrowserSignInRequest, BrowserSignInResult } from "../../../plugin-sdk/browser-sign-in.js";
import type { AuthenticatedUser, BrowserSignIn } from "../../../plugin-sdk/capabilities.js";
import type { EndpointResponse } from "../../../plugin-sdk/endpoint.js";
import { OAuthErrors } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { AuthorizationSteps } from "../authorize/authorization-steps.js";
import { RESULT_COOKIE } from "../authorize/browser-cookies.js";
import { RESULT_PARAMETER } from "../authorize/interaction-return.js";
import { readCookie, SESSION_COOKIE } from "../cookies.js";
import { browserLocales } from "../views/browser-locales.js";
import { errorPageResponse } from "../views/html-response.js";
import { pickLocale } from "../views/i18n.js";
import { pluginPath } from "./plugin-path.js";

/**
 * Core's sign-in, second factor, SSO session and consent pages for a plugin's browser flow (PluginTokens.BrowserSignIn;
 * OIDC Core §3.1.2.3–3.1.2.4): the same interaction as /authorize, ending back at the plugin's page instead of a client.
 */
@injectable()
export class BrowserSignInService implements BrowserSignIn {
  private readonly basePath: string;

  constructor(
    @inject(InteractionStore) private readonly interactions: InteractionStore,
    @inject(InteractionResults) private readonly results: InteractionResults,
    @inject(AuthorizationSteps) private readonly steps: AuthorizationSteps,
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(ClientCache) private readonly clients: ClientCache,
    @inject(AuthorizationStanding) private readonly standing: AuthorizationStanding,
    @inject(DI.Config) config: Config,
  ) {
    this.basePath = new URL(config.issuer).pathname.replace(/\/$/, "");
  }

  async start(http: EndpointRequest, signIn: BrowserSignInRequest): Promise<EndpointResponse> {
    const returnTo = { path: pluginPath(signIn.returnPath), state: signIn.state };
    const uiLocales = browserLocales(http);
    const client = await this.clients.find(signIn.clientId);
    if (!client) return errorPageResponse(OAuthErrors.invalidRequest("the application is no longer registered"), pickLocale(uiLocales));
    const request: InteractionRequest = { client, scopes: [...signIn.scopes], prompt: new Set(signIn.prompt ?? []), acrValues: [], uiLocales };
    const interaction = await this.interactions.create(request, returnTo);
    return this.steps.resume(interaction, await this.sessions.fromCookie(readCookie(http, SESSION_COOKIE)));
  }

  async result(http: EndpointRequest): Promise<BrowserSignInResult | undefined> {
    const reference = http.params.get(RESULT_PARAMETER);
    const bound = readCookie(http, RESULT_COOKIE);
    if (reference === undefined || bound === undefined || !digestMatches(reference, secretDigest(bound))) return undefined;
    return this.results.redeem(reference, new URL(http.url).pathname.slice(this.basePath.length));
  }

  assertStillAuthorized(authentication: AuthenticatedUser, clientId: string, scopes: readonly string[]): Promise<void> {
    return this.standing.assert(authentication, clientId, scopes);
  }
}
