import { timingSafeEqual } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { LoginService } from "../../../core/authn/login.service.js";
import { AuthorizationFlow } from "../../../core/authorize/authorization-flow.js";
import { InteractionStore, type Interaction } from "../../../core/authorize/interaction.store.js";
import type { Config } from "../../../config/config.js";
import { DI } from "../../../core/di-tokens.js";
import { ConsentService } from "../../../core/sessions/consent.service.js";
import type { Session } from "../../../core/sessions/session.js";
import { SessionManager } from "../../../core/sessions/session-manager.js";
import { SignInService } from "../../../core/sessions/sign-in.service.js";
import { secretDigest } from "../../../core/security/digest.js";
import type { Authenticator } from "../../../plugin-sdk/authenticator.js";
import { OAuthErrors } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { AuthorizationSteps, expiredInteraction } from "../authorize/authorization-steps.js";
import { BrowserCookies, INTERACTION_COOKIE } from "../authorize/browser-cookies.js";
import { InteractionPages } from "../authorize/interaction-pages.js";
import { readCookie, SESSION_COOKIE } from "../cookies.js";
import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";
import { errorPageResponse } from "../views/html-response.js";

const PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|select|consent))?$/;

/**
 * The sign-in pages of an authorization request (OIDC Core §3.1.2.3–3.1.2.4): GET /interaction/{id} shows the current
 * step; POST …/login, …/select and …/consent submit it. Each interaction is bound to its browser by a cookie and each
 * form carries the interaction's anti-CSRF token.
 */
@injectable()
export class InteractionEndpoint implements HttpEndpoint {
  readonly path = "/interaction/*";
  readonly methods = ["GET", "POST"] as const;
  private readonly prefix: string;
  private readonly cookies: BrowserCookies;

  constructor(
    @inject(InteractionStore) private readonly interactions: InteractionStore,
    @inject(AuthorizationFlow) private readonly flow: AuthorizationFlow,
    @inject(AuthorizationSteps) private readonly steps: AuthorizationSteps,
    @inject(InteractionPages) private readonly pages: InteractionPages,
    @inject(LoginService) private readonly login: LoginService,
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(ConsentService) private readonly consents: ConsentService,
    @inject(SignInService) private readonly signIn: SignInService,
    @inject(DI.Config) config: Config,
  ) {
    this.prefix = new URL(config.issuer).pathname.replace(/\/$/, "");
    this.cookies = new BrowserCookies(config);
  }

  async handle(http: EndpointRequest): Promise<EndpointResponse> {
    const match = PATH.exec(new URL(http.url).pathname.slice(this.prefix.length));
    const interaction = match ? await this.bound(http, match[1]!) : undefined;
    if (!interaction) return errorPageResponse(expiredInteraction());
    const action = match![2];
    if (http.method === "GET") return action ? errorPageResponse(OAuthErrors.methodNotAllowed("submit the form")) : this.show(http, interaction);
    if (!action || !sameSecret(http.params.get("csrf"), interaction.csrf)) return errorPageResponse(expiredInteraction());
    const session = await this.sessions.fromCookie(readCookie(http, SESSION_COOKIE));
    if (action === "login") return this.submitLogin(http, interaction, session);
    if (action === "select") return this.submitSelection(http, interaction, session);
    return this.submitConsent(http, interaction, session);
  }

  /** The interaction named in the path, only for the browser holding its cookie. */
  private async bound(http: EndpointRequest, id: string): Promise<Interaction | undefined> {
    if (!sameSecret(readCookie(http, INTERACTION_COOKIE), id)) return undefined;
    return this.interactions.find(id);
  }

  /** Renders the current step, or completes the request when nothing is left to do. */
  private async show(http: EndpointRequest, interaction: Interaction): Promise<EndpointResponse> {
    if (interaction.login) return this.pages.login(interaction, await this.loginStep(interaction));
    const session = await this.sessions.fromCookie(readCookie(http, SESSION_COOKIE));
    let next;
    try {
      next = await this.flow.next(interaction.request, session, interaction);
    } catch (thrown) {
      return this.steps.fail(thrown, interaction.request, interaction);
    }
    if (next.step === "login") return this.pages.login(interaction, this.firstFactor());
    if (next.step === "select_account") return this.pages.selectAccount(interaction, next.session.userId);
    if (next.step === "consent") return this.pages.consent(interaction, next.session.userId);
    return this.steps.advance(interaction.request, session, interaction);
  }

  /** One login step (OIDC Core §3.1.2.3): a first factor identifies the user, then every enrolled second factor. */
  private async submitLogin(http: EndpointRequest, interaction: Interaction, session: Session | undefined): Promise<EndpointResponse> {
    const fields = Object.fromEntries(http.params.names().map((name) => [name, http.params.get(name) ?? ""]));
    const authenticator = await this.loginStep(interaction);
    const pending = interaction.login;
    if (fields.authenticator !== authenticator.id) return this.pages.login(interaction, authenticator, { error: "invalid" });
    const outcome = pending
      ? await this.login.verify(authenticator.id, pending.userId, fields, http.remoteAddress)
      : await this.login.identify(authenticator.id, fields, http.remoteAddress);
    if (!outcome.ok) {
      const state = outcome.reason === "throttled" ? { error: "throttled" as const, retryAfterSeconds: outcome.retryAfterSeconds } : { error: "invalid" as const };
      return this.pages.login(interaction, authenticator, state);
    }
    const login = pending
      ? { ...pending, amr: [...new Set([...pending.amr, ...outcome.amr])], remaining: pending.remaining.slice(1) }
      : { userId: outcome.userId, amr: outcome.amr, remaining: (await this.login.secondFactorsFor(outcome.userId)).map((a) => a.id) };
    if (login.remaining.length > 0) {
      interaction.login = login;
      await this.interactions.save(interaction);
      return this.pages.login(interaction, await this.loginStep(interaction));
    }
    const signedIn = await this.signIn.complete(login, session);
    delete interaction.login;
    interaction.authenticated = true;
    const cookie = signedIn.cookieValue && this.cookies.session(signedIn.cookieValue, this.sessions.cookieMaxAge(signedIn.session));
    return this.steps.advance(interaction.request, signedIn.session, interaction, cookie ? [cookie] : []);
  }

  /** prompt=select_account: continue as the signed-in user, or sign in as another one. */
  private async submitSelection(http: EndpointRequest, interaction: Interaction, session: Session | undefined): Promise<EndpointResponse> {
    if (http.params.get("choice") === "other") interaction.forceLogin = true;
    else interaction.accountSelected = true;
    return this.steps.advance(interaction.request, session, interaction);
  }

  /** Consent (OIDC Core §3.1.2.4): approval is remembered per user, client and scope; denial is access_denied. */
  private async submitConsent(http: EndpointRequest, interaction: Interaction, session: Session | undefined): Promise<EndpointResponse> {
    const { request } = interaction;
    if (!session) return this.steps.advance(request, session, interaction);
    if (http.params.get("decision") !== "approve") {
      return this.steps.fail(OAuthErrors.accessDenied("the end-user denied the request"), request, interaction);
    }
    await this.consents.remember(session.userId, request.client.clientId, request.scopes);
    interaction.consented = true;
    return this.steps.advance(request, session, interaction);
  }

  private firstFactor() {
    const first = this.login.firstFactors()[0];
    if (!first) throw new Error("no first-factor authenticator is enabled");
    return first;
  }

  /**
   * The login step to show: the pending second factor, or the first factor when none is pending or the user no longer
   * has the pending one (an operator disabled it mid-sign-in): the sign-in then starts over.
   */
  private async loginStep(interaction: Interaction): Promise<Authenticator> {
    const pending = interaction.login;
    if (pending) {
      const next = (await this.login.secondFactorsFor(pending.userId)).find((a) => a.id === pending.remaining[0]);
      if (next) return next;
      delete interaction.login;
      await this.interactions.save(interaction);
    }
    return this.firstFactor();
  }
}

/** Constant-time equality of two secrets of any length (compared by digest). */
function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(Buffer.from(secretDigest(presented)), Buffer.from(secretDigest(expected)));
}
