import { timingSafeEqual } from "node:crypto";
import { inject, injectable } from "tsyringe";
import type { SignInState } from "../../../core/authn/sign-in.js";
import { SignInMachine } from "../../../core/authn/sign-in.machine.js";
import { AuthorizationFlow } from "../../../core/authorize/authorization-flow.js";
import { InteractionStore, type Interaction } from "../../../core/authorize/interaction.store.js";
import type { Config } from "../../../config/config.js";
import { DI } from "../../../core/di-tokens.js";
import { ConsentService } from "../../../core/sessions/consent.service.js";
import type { Session } from "../../../core/sessions/session.js";
import { SessionManager } from "../../../core/sessions/session-manager.js";
import { SessionEstablisher } from "../../../core/sessions/session-establisher.js";
import { secretDigest } from "../../../core/security/digest.js";
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
    @inject(SignInMachine) private readonly machine: SignInMachine,
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(ConsentService) private readonly consents: ConsentService,
    @inject(SessionEstablisher) private readonly establisher: SessionEstablisher,
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
    const session = await this.sessions.fromCookie(readCookie(http, SESSION_COOKIE));
    let next;
    try {
      next = await this.flow.next(interaction.request, session, interaction);
    } catch (thrown) {
      return this.steps.fail(thrown, interaction);
    }
    if (next.step === "sign_in") {
      await this.keep(interaction, next.signIn.state);
      const { step } = next.signIn;
      return step.kind === "authenticate" ? this.pages.login(interaction, step.authenticator) : this.pages.selectAccount(interaction, step.userId);
    }
    if (next.step === "consent") return this.pages.consent(interaction, next.session.userId);
    return this.steps.resume(interaction, session);
  }

  /** One login step (OIDC Core §3.1.2.3): the machine runs it; another login step is shown in place, a completed login starts the session. */
  private async submitLogin(http: EndpointRequest, interaction: Interaction, session: Session | undefined): Promise<EndpointResponse> {
    const fields = Object.fromEntries(http.params.names().map((name) => [name, http.params.get(name) ?? ""]));
    const input = { kind: "authenticate", authenticatorId: http.params.get("authenticator") ?? "", fields } as const;
    const outcome = await this.machine.submit(interaction.signIn, input, this.flow.signInContext(interaction.request, session), http.remoteAddress);
    if (outcome.kind !== "done") await this.keep(interaction, outcome.state);
    if (outcome.kind === "invalid") return this.pages.login(interaction, outcome.step.authenticator, { error: "invalid" });
    if (outcome.kind === "throttled") return this.pages.login(interaction, outcome.step.authenticator, { error: "throttled", retryAfterSeconds: outcome.retryAfterSeconds });
    if (outcome.kind === "next") {
      return outcome.step.kind === "authenticate" ? this.pages.login(interaction, outcome.step.authenticator) : this.steps.resume(interaction, session);
    }
    const signedIn = await this.establisher.establish(outcome.login, session);
    interaction.signIn = outcome.state;
    const cookie = signedIn.cookieValue && this.cookies.session(signedIn.cookieValue, this.sessions.cookieMaxAge(signedIn.session));
    return this.steps.resume(interaction, signedIn.session, cookie ? [cookie] : []);
  }

  /** prompt=select_account: continue as the signed-in user, or sign in as another one. */
  private async submitSelection(http: EndpointRequest, interaction: Interaction, session: Session | undefined): Promise<EndpointResponse> {
    const input = { kind: "select_account", choice: http.params.get("choice") === "other" ? "other" : "current" } as const;
    try {
      interaction.signIn = (await this.machine.submit(interaction.signIn, input, this.flow.signInContext(interaction.request, session), http.remoteAddress)).state;
    } catch (thrown) {
      return this.steps.fail(thrown, interaction);
    }
    return this.steps.resume(interaction, session);
  }

  /** Consent (OIDC Core §3.1.2.4): approval is remembered per user, client and scope; denial is access_denied. */
  private async submitConsent(http: EndpointRequest, interaction: Interaction, session: Session | undefined): Promise<EndpointResponse> {
    const { request } = interaction;
    if (!session) return this.steps.resume(interaction, session);
    if (http.params.get("decision") !== "approve") return this.steps.fail(OAuthErrors.accessDenied("the end-user denied the request"), interaction);
    await this.consents.remember(session.userId, request.client.clientId, request.scopes);
    interaction.consented = true;
    return this.steps.resume(interaction, session);
  }

  /** Stores the sign-in state the machine returned, when it changed (an unchanged interaction keeps its expiry). */
  private async keep(interaction: Interaction, signIn: SignInState): Promise<void> {
    if (signIn === interaction.signIn) return;
    interaction.signIn = signIn;
    await this.interactions.save(interaction);
  }
}

/** Constant-time equality of two secrets of any length (compared by digest). */
function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(Buffer.from(secretDigest(presented)), Buffer.from(secretDigest(expected)));
}
