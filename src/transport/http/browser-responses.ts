import { noStore, type EndpointResponse } from "./endpoint.js";

/** A 303 See Other (never 307, which would re-post credentials; RFC 9700 §4.12). */
export function seeOther(location: string): EndpointResponse {
  return { status: 303, headers: { ...noStore, location } };
}

/** Adds Set-Cookie headers to a response. */
export function withCookies(response: EndpointResponse, cookies: readonly string[]): EndpointResponse {
  if (cookies.length === 0) return response;
  const existing = response.headers?.["set-cookie"];
  const previous = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return { ...response, headers: { ...response.headers, "set-cookie": [...previous, ...cookies] } };
}

/** Appends form-encoded parameters to the URI's query, keeping a registered query byte for byte (RFC 6749 §3.1.2). */
export function appendQuery(uri: string, encoded: string): string {
  if (!uri.includes("?")) return `${uri}?${encoded}`;
  return uri.endsWith("?") || uri.endsWith("&") ? uri + encoded : `${uri}&${encoded}`;
}
