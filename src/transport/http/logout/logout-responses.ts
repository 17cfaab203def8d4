import type { EndpointResponse } from "../endpoint.js";
import { appendQuery, seeOther, withCookies } from "../browser-responses.js";
import { htmlResponse } from "../views/html-response.js";
import { renderLoggedOutPage } from "../views/logged-out.page.js";

/** Where a logout request returns the browser: a validated post_logout_redirect_uri and the RP's state (OIDC RP-Initiated Logout §3). */
export interface LogoutTarget {
  postLogoutRedirectUri?: string;
  state?: string;
}

/**
 * The end of a logout: 303 to the validated post_logout_redirect_uri with `state` appended (§3; the URI is used
 * byte for byte as registered), or the logged-out page when there is none; `setCookies` (the cleared session cookie) go along.
 */
export function afterLogout(target: LogoutTarget, locale: string, setCookies: readonly string[] = []): EndpointResponse {
  const response = target.postLogoutRedirectUri === undefined ? htmlResponse(200, renderLoggedOutPage({ locale })) : returnToClient(target.postLogoutRedirectUri, target.state);
  return withCookies(response, setCookies);
}

/** 303 to `uri` with `state` as an added query parameter; no Referer leaks the logout request (RFC 9700 §4.2.4). */
export function returnToClient(uri: string, state: string | undefined): EndpointResponse {
  const location = state === undefined ? uri : appendQuery(uri, `state=${encodeURIComponent(state)}`);
  const redirect = seeOther(location);
  return { ...redirect, headers: { ...redirect.headers, "referrer-policy": "no-referrer" } };
}

/** The ui_locales parameter as a list of BCP 47 tags, for pickLocale (OIDC Core §3.1.2.1). */
export function uiLocaleTags(uiLocales: string | undefined): string[] {
  return (uiLocales ?? "").split(" ").filter(Boolean);
}
