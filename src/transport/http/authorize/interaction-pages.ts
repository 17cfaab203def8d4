import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import type { Interaction } from "../../../core/authorize/interaction.store.js";
import { DI } from "../../../core/di-tokens.js";
import type { DurableStorage } from "../../../core/ports/repositories.js";
import type { Authenticator } from "../../../plugin-sdk/authenticator.js";
import type { EndpointResponse } from "../endpoint.js";
import { renderConsentPage } from "../views/consent.page.js";
import { htmlResponse } from "../views/html-response.js";
import { pickLocale } from "../views/i18n.js";
import { renderLoginPage } from "../views/login.page.js";
import { renderSelectAccountPage } from "../views/select-account.page.js";

/** Status of a login page: first view, wrong credentials, or throttled (with Retry-After). */
export type LoginPageState = { error?: undefined } | { error: "invalid" } | { error: "throttled"; retryAfterSeconds: number };

/** Renders the interaction step pages (login, second factor, account selection, consent) of one interaction. */
@injectable()
export class InteractionPages {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Durable) private readonly storage: DurableStorage,
  ) {}

  /** The form of one login step; wrong credentials answer 400 and throttling 429 (RFC 6585 §4) with Retry-After. */
  login(interaction: Interaction, authenticator: Authenticator, state: LoginPageState = {}): EndpointResponse {
    const { request } = interaction;
    const html = renderLoginPage({
      ...this.base(interaction, "login"),
      factor: authenticator.factor,
      authenticatorId: authenticator.id,
      fields: authenticator.fields,
      ...(request.loginHint !== undefined && authenticator.factor === "first" ? { loginHint: request.loginHint } : {}),
      ...(state.error ? { error: state.error } : {}),
    });
    if (state.error === "throttled") return htmlResponse(429, html, { ...this.redirectAfterSubmit(interaction), headers: { "retry-after": String(state.retryAfterSeconds) } });
    return htmlResponse(state.error ? 400 : 200, html, this.redirectAfterSubmit(interaction));
  }

  async selectAccount(interaction: Interaction, userId: string): Promise<EndpointResponse> {
    return htmlResponse(200, renderSelectAccountPage({ ...this.base(interaction, "select"), accountName: await this.displayName(userId) }), this.redirectAfterSubmit(interaction));
  }

  async consent(interaction: Interaction, userId: string): Promise<EndpointResponse> {
    const { metadata } = interaction.request.client;
    const html = renderConsentPage({
      ...this.base(interaction, "consent"),
      userName: await this.displayName(userId),
      scopes: interaction.request.scopes.map((scope) => ({ scope })),
      ...(metadata.client_uri ? { clientUri: metadata.client_uri } : {}),
      ...(metadata.policy_uri ? { policyUri: metadata.policy_uri } : {}),
      ...(metadata.tos_uri ? { tosUri: metadata.tos_uri } : {}),
    });
    return htmlResponse(200, html, this.redirectAfterSubmit(interaction));
  }

  /** CSP form-action also governs the redirect a form submission ends in: allow the validated redirect URI (a plugin's page is 'self'). */
  private redirectAfterSubmit(interaction: Interaction) {
    return { formActions: interaction.returnTo ? [] : [interaction.request.redirectUri] };
  }

  private base(interaction: Interaction, action: "login" | "select" | "consent") {
    const { client, uiLocales } = interaction.request;
    return {
      locale: pickLocale(uiLocales),
      action: `${this.config.issuer}/interaction/${interaction.id}/${action}`,
      csrf: interaction.csrf,
      clientName: client.metadata.client_name ?? client.clientId,
    };
  }

  private async displayName(userId: string): Promise<string> {
    const user = await this.storage.users.findById(userId);
    return user?.name ?? user?.username ?? userId;
  }
}
