import type { EndpointResponse } from "../endpoint.js";
import { html, SafeHtml } from "./html.js";
import { htmlResponse } from "./html-response.js";
import { messagesFor } from "./i18n.js";
import { cspHash, renderLayout } from "./layout.js";
import type { FormPostModel } from "./page-models.js";

const AUTO_SUBMIT = "document.forms[0].submit();";

/** The CSP hash of the auto-submit script of the form post page. */
export const AUTO_SUBMIT_HASH = cspHash(AUTO_SUBMIT);

/** OAuth 2.0 Form Post Response Mode §2: a form posting the response parameters to the redirect URI, submitted by script or by hand. */
export function renderFormPostPage(model: FormPostModel): string {
  const protocol = new URL(model.action).protocol;
  if (protocol !== "https:" && protocol !== "http:") throw new TypeError("form_post needs an http(s) redirect URI");
  const locale = model.locale ?? "en";
  const t = messagesFor(locale);
  const body = html`<h1>${t.formPostTitle}</h1>
<p class="lead">${t.formPostLead}</p>
<form method="post" action="${model.action}">
${Object.entries(model.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<noscript><button type="submit">${t.formPostButton}</button></noscript>
</form>`;
  return renderLayout({ locale, title: t.formPostTitle, body, script: html`<script>${new SafeHtml(AUTO_SUBMIT)}</script>` });
}

/** The form post page as a response: its CSP allows the auto-submit script and submitting to the redirect URI. */
export function formPostResponse(model: FormPostModel): EndpointResponse {
  return htmlResponse(200, renderFormPostPage(model), { formActions: [model.action], scriptHashes: [AUTO_SUBMIT_HASH] });
}
