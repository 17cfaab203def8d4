import type { EndpointRequest } from "./request.js";

/** What an endpoint answers; the router serialises it (a string body is sent as is, anything else as JSON). */
export interface EndpointResponse {
  status: number;
  /** Header values; an array sends the header several times (Set-Cookie). */
  headers?: Record<string, string | string[]>;
  body?: unknown;
}

/**
 * How an endpoint wants its body: form (RFC 6749 §3.2), JSON (RFC 7591 §3.1), none (GET), or optional-form: a form
 * when a body is sent, and no body at all allowed (a POST authorized only by a header, RFC 6750 §2.1).
 */
export type BodyKind = "form" | "json" | "none" | "optional-form";

/**
 * One endpoint of the public listener, core's or a plugin's: the router applies the method check (405 + Allow), body
 * limits and parsing, and maps thrown OAuthErrors to their RFC responses (never a 500 for bad input).
 */
export interface PublicEndpoint {
  /** Path below the issuer, e.g. "/device_authorization"; a trailing "/*" matches any sub-path. */
  readonly path: string;
  readonly methods: readonly string[];
  /** Body kind per method; default "form" for POST/PUT, "none" otherwise. */
  readonly body?: Partial<Record<string, BodyKind>>;
  /** The RFC 8414 §2 / OIDC Discovery member that advertises this endpoint's URL, e.g. "device_authorization_endpoint". */
  readonly metadataMember?: string;
  /** Throws OAuthError for protocol errors; MUST NOT write to the socket itself. */
  handle(request: EndpointRequest & { json?: unknown }): Promise<EndpointResponse>;
}

/** Response headers of anything carrying tokens or credentials (RFC 6749 §5.1). */
export const NO_STORE_HEADERS = Object.freeze({ "cache-control": "no-store", pragma: "no-cache" } as const);
