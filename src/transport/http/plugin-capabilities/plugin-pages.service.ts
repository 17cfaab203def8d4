import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { DI } from "../../../core/di-tokens.js";
import type { RandomSource } from "../../../core/ports/clock.js";
import { digestMatches, secretDigest } from "../../../core/security/digest.js";
import type { Pages } from "../../../plugin-sdk/capabilities.js";
import type { EndpointResponse } from "../../../plugin-sdk/endpoint.js";
import type { FormSubmission, PluginPage } from "../../../plugin-sdk/page.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { BrowserCookies, FORM_COOKIE } from "../authorize/browser-cookies.js";
import { readCookie } from "../cookies.js";
import { browserLocales } from "../views/browser-locales.js";
import { htmlResponse } from "../views/html-response.js";
import { pickLocale } from "../views/i18n.js";
import { renderPluginPage } from "../views/plugin.page.js";
import { pluginPath } from "./plugin-path.js";

/** How long a browser keeps its anti-CSRF token for plugin forms (s). */
const FORM_COOKIE_MAX_AGE = 3600;
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/**
 * Plugin pages in core's layout (PluginTokens.Pages): escaping, CSP, no caching or framing, English or German by the
 * browser's languages, and forms protected by a double-submit token (a 256-bit cookie on the form's path echoed by a
 * hidden field, compared in constant time; RFC 9700 §4.7).
 */
@injectable()
export class PluginPagesService implements Pages {
  private readonly cookies: BrowserCookies;

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Random) private readonly random: RandomSource,
  ) {
    this.cookies = new BrowserCookies(config);
  }

  render(request: EndpointRequest, page: PluginPage, options: { status?: number; headers?: Record<string, string> } = {}): EndpointResponse {
    const locale = pickLocale(browserLocales(request));
    const { form } = page;
    const existing = readCookie(request, FORM_COOKIE);
    const csrf = existing !== undefined && WELL_FORMED.test(existing) ? existing : this.random.token(32);
    const html = renderPluginPage({
      locale,
      title: page.title[locale],
      ...(page.lead && { lead: page.lead[locale] }),
      ...(page.alert && { alert: page.alert[locale] }),
      ...(form && {
        form: {
          action: `${this.config.issuer}${pluginPath(form.action)}`,
          csrf,
          fields: form.fields.map((field) => ({
            name: field.name,
            label: field.label[locale],
            ...(field.value !== undefined && { value: field.value }),
            ...(field.code && { code: true }),
          })),
          submit: form.submit[locale],
        },
      }),
    });
    const headers: Record<string, string> = { ...options.headers };
    if (form && csrf !== existing) headers["set-cookie"] = this.cookies.form(csrf, form.action, FORM_COOKIE_MAX_AGE);
    return htmlResponse(options.status ?? 200, html, { headers });
  }

  submission(request: EndpointRequest): FormSubmission | undefined {
    const token = readCookie(request, FORM_COOKIE);
    const posted = request.params.get("csrf");
    if (token === undefined || posted === undefined || !WELL_FORMED.test(token) || !digestMatches(posted, secretDigest(token))) return undefined;
    return { browser: secretDigest(token) };
  }
}
