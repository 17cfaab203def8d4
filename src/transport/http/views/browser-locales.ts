import { headerValue, type EndpointRequest } from "../../../plugin-sdk/request.js";

/** One Accept-Language range with its weight (RFC 9110 §12.5.4). */
const RANGE = /^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$/;

/**
 * The languages a browser asks for, most preferred first: the `ui_locales` parameter (OIDC Core §3.1.2.1) when the
 * request has one, else the Accept-Language header by weight (RFC 9110 §12.5.4); malformed ranges are skipped.
 */
export function browserLocales(request: Pick<EndpointRequest, "params" | "headers">): string[] {
  const uiLocales = request.params.get("ui_locales");
  if (uiLocales !== undefined) return uiLocales.split(" ").filter(Boolean);
  const ranges = (headerValue(request, "accept-language") ?? "").split(",").flatMap((part) => {
    const match = RANGE.exec(part);
    const weight = match ? Number(match[2] ?? "1") : 0;
    return match && weight > 0 && match[1] !== "*" ? [{ tag: match[1]!, weight }] : [];
  });
  return ranges.sort((a, b) => b.weight - a.weight).map((range) => range.tag);
}
