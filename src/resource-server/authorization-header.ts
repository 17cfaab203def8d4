/** The two access-token schemes a resource server accepts: RFC 6750 §2.1 `Bearer` and RFC 9449 §7.1 `DPoP`. */
export type TokenScheme = "Bearer" | "DPoP";

/** What the Authorization header(s) of a request carry (RFC 6750 §2.1, RFC 9449 §7.1). */
export type PresentedCredentials =
  | { kind: "absent" }
  | { kind: "token"; scheme: TokenScheme; token: string }
  | { kind: "malformed"; description: string };

/** `scheme 1*SP token68` (RFC 7235 §2.1, RFC 6750 §2.1); the scheme is matched case-insensitively. */
const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i;
const TOKEN_SCHEME = /^(?:Bearer|DPoP)(?: |$)/i;

/**
 * Reads the access token of the Authorization header(s) (RFC 6750 §2.1, RFC 9449 §7.1): other schemes count as absent
 * (RFC 6750 §3.1: no error code then); more than one token, or a Bearer/DPoP header that is not `scheme token68`,
 * is malformed (RFC 6750 §3.1 `invalid_request`).
 */
export function parseAuthorization(header: string | readonly string[] | undefined): PresentedCredentials {
  const values = header === undefined ? [] : typeof header === "string" ? [header] : header;
  const tokenHeaders = values.filter((value) => TOKEN_SCHEME.test(value.trim()));
  if (tokenHeaders.length === 0) return { kind: "absent" };
  if (tokenHeaders.length > 1) return { kind: "malformed", description: "more than one access token in the request" };
  const match = CREDENTIALS.exec(tokenHeaders[0]!.trim());
  if (!match) return { kind: "malformed", description: "the Authorization header is not scheme and token" };
  return { kind: "token", scheme: match[1]!.toLowerCase() === "dpop" ? "DPoP" : "Bearer", token: match[2]! };
}
