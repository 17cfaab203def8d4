/**
 * The form in which a DPoP proof's `htu` and the request URL are compared (RFC 9449 §4.3 step 9, RFC 3986 §6.2.2–6.2.3):
 * scheme and host lower-cased, default port dropped, dot segments resolved, no query, fragment or user info;
 * undefined when `url` is not an absolute http(s) URL.
 */
export function normalizedHtu(url: string): string | undefined {
  if (typeof url !== "string" || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}
