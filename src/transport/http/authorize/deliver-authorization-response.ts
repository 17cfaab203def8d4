import type { AuthorizationDelivery } from "../../../core/authorize/authorization-request.js";
import { appendQuery, seeOther } from "../browser-responses.js";
import type { EndpointResponse } from "../endpoint.js";
import { formPostResponse } from "../views/form-post.page.js";

/**
 * Sends an authorization response to the client (RFC 6749 §4.1.2, OAuth 2.0 Multiple Response Types §2.1, Form Post
 * Response Mode §2): query and fragment as a 303 redirect (never 307, RFC 9700 §4.12), form_post as an auto-submitting
 * page; never cached. `locale` is the language of the form post page's fallback text.
 */
export function deliverAuthorizationResponse(delivery: AuthorizationDelivery, locale?: string): EndpointResponse {
  if (delivery.mode === "form_post") return formPostResponse({ action: delivery.redirectUri, params: delivery.params, ...(locale !== undefined && { locale }) });
  const encoded = new URLSearchParams(delivery.params).toString();
  return seeOther(delivery.mode === "query" ? appendQuery(delivery.redirectUri, encoded) : `${delivery.redirectUri}#${encoded}`);
}
