import { html } from "./html.js";
import { messagesFor } from "./i18n.js";
import { renderLayout } from "./layout.js";
import type { LoggedOutPageModel } from "./page-models.js";

/** Shown after logout when there is no validated post_logout_redirect_uri (OpenID RP-Initiated Logout 1.0 §3). */
export function renderLoggedOutPage(model: LoggedOutPageModel): string {
  const t = messagesFor(model.locale);
  const body = html`<h1>${t.loggedOutTitle}</h1>
<p class="lead">${t.loggedOutLead}</p>`;
  return renderLayout({ locale: model.locale, title: t.loggedOutTitle, body });
}
