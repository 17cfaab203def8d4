import { html } from "./html.js";
import { messagesFor } from "./i18n.js";
import { renderLayout } from "./layout.js";
import type { SelectAccountPageModel } from "./page-models.js";

/** Account selection for prompt=select_account (OIDC Core §3.1.2.1): choice=current keeps the session, choice=other signs in anew. */
export function renderSelectAccountPage(model: SelectAccountPageModel): string {
  const t = messagesFor(model.locale);
  const body = html`<h1>${t.selectTitle}</h1>
<p class="lead">${t.selectLead} <strong class="name">${model.clientName}</strong></p>
<form method="post" action="${model.action}" class="actions">
<input type="hidden" name="csrf" value="${model.csrf}">
<button type="submit" name="choice" value="current" autofocus>${t.continueAs} <span class="name">${model.accountName}</span></button>
<button type="submit" name="choice" value="other" class="secondary">${t.useOther}</button>
</form>`;
  return renderLayout({ locale: model.locale, title: t.selectTitle, body });
}
