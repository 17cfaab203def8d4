import { html } from "./html.js";
import { messagesFor } from "./i18n.js";
import { renderLayout } from "./layout.js";
import type { LogoutConfirmPageModel } from "./page-models.js";

/** The RP-Initiated Logout confirmation (OpenID RP-Initiated Logout 1.0 §2): logout=yes signs out, logout=no cancels. */
export function renderLogoutConfirmPage(model: LogoutConfirmPageModel): string {
  const t = messagesFor(model.locale);
  const body = html`<h1>${t.logoutTitle}</h1>
<p class="lead">${model.clientName ? html`<strong class="name">${model.clientName}</strong> ${t.logoutLeadClient}` : t.logoutLead}</p>
<form method="post" action="${model.action}" class="actions">
<input type="hidden" name="csrf" value="${model.csrf}">
${Object.entries(model.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<button type="submit" name="logout" value="yes" autofocus>${t.logoutYes}</button>
<button type="submit" name="logout" value="no" class="secondary">${t.logoutNo}</button>
</form>`;
  return renderLayout({ locale: model.locale, title: t.logoutTitle, body });
}
