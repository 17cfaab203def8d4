/**
 * Matching of the `redirect_uri` of an authorization request against the client's registered redirect URIs.
 *
 * A result of undefined means the request must be refused with an error page and NO redirect (RFC 6749 §3.1.2.4,
 * RFC 9700 §4.11.2): the URI cannot be trusted as a target for either a code or an error.
 *
 * Scope: this module only decides "which URI, if any". OpenID Connect requires `redirect_uri` in every
 * authentication request (OIDC Core §3.1.2.1); callers handling a request with the `openid` scope must refuse a
 * missing `redirect_uri` themselves before calling {@link matchRedirectUri} (corpus A3).
 *
 * Comparison is byte-for-byte on the raw strings — no URL parsing result, percent-decoding, case folding, default
 * port removal or path normalisation is ever used to decide a match (RFC 9700 §2.1, §4.1.3), because every such
 * normalisation has been an open-redirect or code-theft vector (corpus A1). The single exception is the port of an
 * `http` loopback IP literal (RFC 8252 §7.3), where the path and query still compare byte-for-byte.
 */

/** Longest redirect URI considered; anything longer is refused outright (bounds work and log size). */
export const MAX_REDIRECT_URI_LENGTH = 2000;

/** Loopback IP literals whose port may vary at request time (RFC 8252 §7.3); `localhost` is excluded (RFC 8252 §8.3). */
const LOOPBACK_PREFIXES = ["http://127.0.0.1", "http://[::1]"] as const;

/** A loopback redirect URI split into its fixed literal prefix, its port text (maybe absent) and the rest. */
interface LoopbackParts {
  prefix: (typeof LOOPBACK_PREFIXES)[number];
  port: string | undefined;
  rest: string;
}

/**
 * The redirect URI to use for this request, or undefined when it must be refused with an error page
 * (RFC 6749 §3.1.2.3; RFC 8252 §7.1–7.3; RFC 9700 §4.1.3).
 */
export function matchRedirectUri(requested: string | undefined, registered: readonly string[]): string | undefined {
  if (requested === undefined) return soleRegisteredUri(registered);
  if (!isWellFormedRedirectUri(requested)) return undefined;
  if (registered.includes(requested)) return requested;
  return registered.some((uri) => loopbackPortVariantMatches(requested, uri)) ? requested : undefined;
}

/** The only registered URI when the request omits `redirect_uri`, else undefined (RFC 6749 §3.1.2.3). */
export function soleRegisteredUri(registered: readonly string[]): string | undefined {
  if (registered.length !== 1) return undefined;
  const [only] = registered;
  return only !== undefined && isWellFormedRedirectUri(only) ? only : undefined;
}

/** Whether `uri` is short enough, absolute and fragment-free, as a redirection endpoint must be (RFC 6749 §3.1.2). */
export function isWellFormedRedirectUri(uri: string): boolean {
  return uri.length > 0 && uri.length <= MAX_REDIRECT_URI_LENGTH && !uri.includes("#") && URL.canParse(uri);
}

/** Whether `requested` equals the `http` loopback-IP `registered` URI except for its port (RFC 8252 §7.3). */
export function loopbackPortVariantMatches(requested: string, registered: string): boolean {
  const want = splitLoopbackUri(registered);
  const got = splitLoopbackUri(requested);
  return want !== undefined && got !== undefined && want.prefix === got.prefix && want.rest === got.rest;
}

/** Splits an `http` loopback IP literal URI into prefix, optional numeric port and path+query, or undefined (RFC 8252 §7.3). */
export function splitLoopbackUri(uri: string): LoopbackParts | undefined {
  const prefix = LOOPBACK_PREFIXES.find((p) => uri.startsWith(p));
  if (prefix === undefined) return undefined;
  const match = /^(?::([0-9]{1,5}))?([/?].*)?$/s.exec(uri.slice(prefix.length));
  if (!match) return undefined;
  const port = match[1];
  if (port !== undefined && !isValidPort(port)) return undefined;
  return { prefix, port, rest: match[2] ?? "" };
}

/** Whether `port` is a TCP port an app can listen on (1–65535) (RFC 8252 §7.3). */
function isValidPort(port: string): boolean {
  const value = Number(port);
  return value >= 1 && value <= 65535;
}
