import { html } from "./html.js";
import { messagesFor, scopeDescription } from "./i18n.js";
import { renderLayout } from "./layout.js";
import type { ConsentPageModel } from "./page-models.js";

/** The URL when it is an absolute https URL (safe to link to), else undefined (javascript:, data:, http: …). */
function httpsUrl(value: string | undefined): string | undefined {
  const url = value ? URL.parse(value) : null;
  return url?.protocol === "https:" ? url.href : undefined;
}

/** The consent page (OIDC Core §3.1.2.4): the client, the scopes it asks for, approve (decision=approve) or deny (decision=deny). */
export function renderConsentPage(model: ConsentPageModel): string {
  const t = messagesFor(model.locale);
  const links = [
    [httpsUrl(model.clientUri), t.clientHomepage],
    [httpsUrl(model.policyUri), t.clientPolicy],
    [httpsUrl(model.tosUri), t.clientTerms],
  ].filter((link): link is [string, string] => link[0] !== undefined);
  const body = html`<h1>${t.consentTitle}</h1>
<p class="lead"><strong class="name">${model.clientName}</strong> ${t.consentLead}.</p>
<p>${t.signedInAs} <strong class="name">${model.userName}</strong></p>
${links.length ? html`<ul class="links">${links.map(([href, label]) => html`<li><a href="${href}" rel="noopener noreferrer" target="_blank">${label}</a></li>`)}</ul>` : false}
<p id="scopes-heading">${t.consentScopes}</p>
<ul class="scopes" aria-labelledby="scopes-heading">
${model.scopes.map((line) => {
  const description = scopeDescription(model.locale, line.scope) ?? line.description;
  return html`<li>${description ? html`${description}<code>${line.scope}</code>` : html`<code>${line.scope}</code>`}</li>`;
})}
</ul>
<form method="post" action="${model.action}" class="actions">
<input type="hidden" name="csrf" value="${model.csrf}">
<button type="submit" name="decision" value="approve">${t.approveButton}</button>
<button type="submit" name="decision" value="deny" class="secondary">${t.denyButton}</button>
</form>`;
  return renderLayout({ locale: model.locale, title: t.consentTitle, body });
}
