import { html } from "./html.js";
import { renderLayout } from "./layout.js";
import type { PluginPageModel } from "./page-models.js";

const ALERT_ID = "page-alert";

/** A plugin's page in the shared layout: heading, lead, alert and one form carrying the anti-CSRF token (RFC 9700 §4.7). */
export function renderPluginPage(model: PluginPageModel): string {
  const { form } = model;
  const body = html`<h1>${model.title}</h1>
${model.lead ? html`<p class="lead">${model.lead}</p>` : false}
${model.alert ? html`<p id="${ALERT_ID}" class="alert" role="alert">${model.alert}</p>` : false}
${
  form
    ? html`<form method="post" action="${form.action}">
<input type="hidden" name="csrf" value="${form.csrf}">
${form.fields.map(
  (field, i) => html`<div class="field">
<label for="field-${i}">${field.label}</label>
<input id="field-${i}" name="${field.name}" type="text" required${
    field.code ? html` class="code-input" autocomplete="off" autocapitalize="characters" spellcheck="false"` : false
  }${field.value !== undefined ? html` value="${field.value}"` : false}${i === 0 ? html` autofocus` : false}${
    model.alert ? html` aria-invalid="true" aria-describedby="${ALERT_ID}"` : false
  }>
</div>`,
)}
<button type="submit">${form.submit}</button>
</form>`
    : false
}`;
  return renderLayout({ locale: model.locale, title: model.title, body });
}
