import { headerValue, type EndpointRequest } from "../../plugin-sdk/request.js";

/** Name of the SSO session cookie (OIDC Core §3.1.2.3); its value is a random secret whose digest alone is stored. */
export const SESSION_COOKIE = "portcullis_session";

/** RFC 6265 §4.1.1 cookie-name: an RFC 2616 token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6265 §4.1.1 cookie-value: *cookie-octet, optionally in double quotes. */
const COOKIE_VALUE = /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/;
/** RFC 6265 §4.1.1 path-value: any CHAR except CTLs or ";". */
const PATH_VALUE = /^[\x20-\x3A\x3C-\x7E]+$/;

/** Attributes of a Set-Cookie header (RFC 6265 §4.1.2); `secure` is the caller's decision (https issuer). */
export interface CookieOptions {
  /** Seconds until the cookie expires; 0 deletes it (RFC 6265 §4.1.2.2). Omitted: a session cookie. */
  maxAgeSeconds?: number;
  path: string;
  secure: boolean;
  /** Default true. */
  httpOnly?: boolean;
  /** Default "Lax" (RFC 6265bis §4.1.2.7). */
  sameSite?: "Strict" | "Lax" | "None";
}

/** The value of cookie `name` in the request's Cookie header (RFC 6265 §5.4), the first when repeated; undefined when absent or malformed. */
export function readCookie(request: Pick<EndpointRequest, "headers">, name: string): string | undefined {
  const header = headerValue(request, "cookie");
  if (header === undefined) return undefined;
  for (const pair of header.split(";")) {
    const separator = pair.indexOf("=");
    if (separator < 0 || pair.slice(0, separator).trim() !== name) continue;
    const value = pair.slice(separator + 1).trim();
    if (!COOKIE_VALUE.test(value)) return undefined;
    return value.startsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

/** A Set-Cookie header value (RFC 6265 §4.1); throws on a name, value or path outside the §4.1.1 grammar. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  if (!COOKIE_NAME.test(name)) throw new Error(`invalid cookie name: ${name}`);
  if (!COOKIE_VALUE.test(value)) throw new Error(`invalid value for cookie ${name}`);
  if (!PATH_VALUE.test(options.path)) throw new Error(`invalid path for cookie ${name}`);
  const attributes = [`${name}=${value}`, `Path=${options.path}`];
  if (options.maxAgeSeconds !== undefined) attributes.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  if (options.secure) attributes.push("Secure");
  if (options.httpOnly ?? true) attributes.push("HttpOnly");
  attributes.push(`SameSite=${options.sameSite ?? "Lax"}`);
  return attributes.join("; ");
}
