import type { AuthenticatorField } from "../../../plugin-sdk/authenticator.js";
import { html, type SafeHtml } from "./html.js";
import { fieldLabel, messagesFor } from "./i18n.js";
import { renderLayout } from "./layout.js";
import type { LoginPageModel } from "./page-models.js";

const ERROR_ID = "login-error";

/** One labelled input; one-time codes get a numeric keyboard. */
function renderField(locale: string, field: AuthenticatorField, index: number, value: string | undefined, focus: boolean, invalid: boolean): SafeHtml {
  const id = `field-${index}`;
  const type = field.type === "password" ? "password" : "text";
  return html`<div class="field">
<label for="${id}">${fieldLabel(locale, field)}</label>
<input id="${id}" name="${field.name}" type="${type}" autocomplete="${field.autocomplete}" required${
    field.type === "password" ? false : html` autocapitalize="none" spellcheck="false"`
  }${field.type === "one-time-code" ? html` inputmode="numeric"` : false}${value !== undefined ? html` value="${value}"` : false}${
    focus ? html` autofocus` : false
  }${invalid ? html` aria-invalid="true" aria-describedby="${ERROR_ID}"` : false}>
</div>`;
}

/** The sign-in form of one login step (OIDC Core §3.1.2.3); errors never tell whether the account exists. */
export function renderLoginPage(model: LoginPageModel): string {
  const t = messagesFor(model.locale);
  const first = model.factor === "first";
  const title = first ? t.signInTitle : t.secondFactorTitle;
  const hintIndex = model.loginHint === undefined ? -1 : model.fields.findIndex((f) => f.type === "text");
  const values = model.fields.map((_, i) => (i === hintIndex ? model.loginHint : undefined));
  const focusIndex = Math.max(0, values.findIndex((v) => v === undefined));
  const error = model.error === "throttled" ? t.loginThrottled : model.error === "invalid" ? t.loginInvalid : undefined;
  const body = html`<h1>${title}</h1>
<p class="lead">${first ? t.signInLead : t.secondFactorLead} <strong class="name">${model.clientName}</strong></p>
${error ? html`<p id="${ERROR_ID}" class="alert" role="alert">${error}</p>` : false}
<form method="post" action="${model.action}">
<input type="hidden" name="csrf" value="${model.csrf}">
<input type="hidden" name="authenticator" value="${model.authenticatorId}">
${model.fields.map((field, i) => renderField(model.locale, field, i, values[i], i === focusIndex, error !== undefined))}
<button type="submit">${first ? t.signInButton : t.secondFactorButton}</button>
</form>`;
  return renderLayout({ locale: model.locale, title, body });
}
