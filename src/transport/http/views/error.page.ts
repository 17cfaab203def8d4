import { html } from "./html.js";
import { messagesFor } from "./i18n.js";
import { renderLayout } from "./layout.js";
import type { ErrorPageModel } from "./page-models.js";

/** The error page shown instead of redirecting when the client or redirect_uri cannot be trusted (RFC 6749 §4.1.2.1). */
export function renderErrorPage(model: ErrorPageModel): string {
  const t = messagesFor(model.locale);
  const body = html`<h1>${t.errorTitle}</h1>
<p class="lead">${t.errorLead}</p>
${model.description ? html`<p role="alert" class="alert">${model.description}</p>` : false}
<p>${t.errorCode}: <code class="code">${model.error}</code></p>`;
  return renderLayout({ locale: model.locale, title: t.errorTitle, body });
}
