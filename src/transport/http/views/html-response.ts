import { mappingFor } from "../../../core/errors/error-table.js";
import type { OAuthError } from "../../../plugin-sdk/errors.js";
import type { EndpointResponse } from "../endpoint.js";
import { renderErrorPage } from "./error.page.js";
import { STYLE_HASH } from "./layout.js";

/** Options of an HTML response: extra form targets (CSP form-action also governs redirects after a submit), inline script hashes, headers. */
export interface HtmlResponseOptions {
  /** URLs or origins forms of the page may submit to (or be redirected to after submitting), besides 'self'. */
  formActions?: readonly string[];
  /** CSP hash sources ('sha256-…') of the page's inline scripts; without them no script runs. */
  scriptHashes?: readonly string[];
  /** Extra response headers (Retry-After, Set-Cookie …). */
  headers?: Record<string, string | string[]>;
}

/** A CSP source expression for a form target (CSP Level 3 §2.3.1), or undefined when it cannot be expressed safely. */
function formActionSource(target: string): string | undefined {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  // Private-use schemes of native apps are reverse domain names (RFC 8252 §7.1); javascript:, data: … never qualify.
  if (url.protocol !== "https:" && url.protocol !== "http:") return /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(url.protocol) ? url.protocol : undefined;
  // CSP Level 3 §2.3.1: ";" and "," in a path are written percent-encoded; query and fragment are not part of a source.
  return url.origin + url.pathname.replace(/;/g, "%3B").replace(/,/g, "%2C");
}

/** The Content-Security-Policy of a page (CSP Level 3): nothing but the hashed inline style/scripts, same-origin forms, no framing. */
export function contentSecurityPolicy(options: Pick<HtmlResponseOptions, "formActions" | "scriptHashes"> = {}): string {
  const formActions = [...new Set((options.formActions ?? []).map(formActionSource).filter((s) => s !== undefined))];
  const directives = [
    "default-src 'none'",
    `style-src ${STYLE_HASH}`,
    ...(options.scriptHashes?.length ? [`script-src ${options.scriptHashes.join(" ")}`] : []),
    "img-src 'self'",
    ["form-action 'self'", ...formActions].join(" "),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ];
  return directives.join("; ");
}

/** An HTML page response with CSP, X-Frame-Options DENY (RFC 7034), Referrer-Policy no-referrer and no caching (RFC 9111 §5.2.2.5). */
export function htmlResponse(status: number, html: string, options: HtmlResponseOptions = {}): EndpointResponse {
  return {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": contentSecurityPolicy(options),
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
      pragma: "no-cache",
      ...options.headers,
    },
    body: html,
  };
}

/** The error page for an error that cannot be sent to a client (RFC 6749 §4.1.2.1): status from the error table, at least 400, never a redirect. */
export function errorPageResponse(error: OAuthError, locale?: string): EndpointResponse {
  const status = Math.max(400, mappingFor(error).status);
  const html = renderErrorPage({ locale: locale ?? "en", error: error.error, ...(error.description ? { description: error.description } : {}) });
  return htmlResponse(status, html, { headers: { ...error.headers } });
}
