import type { EndpointRequest } from "../../plugin-sdk/request.js";

/** What an endpoint answers; the router serialises it (JSON bodies get `application/json`). */
export interface EndpointResponse {
  status: number;
  /** Header values; an array sends the header several times (Set-Cookie). */
  headers?: Record<string, string | string[]>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
}

/**
 * How an endpoint wants its body: form (RFC 6749 §3.2), JSON (RFC 7591 §3.1), none (GET), or optional-form: a form
 * when a body is sent, and no body at all allowed (a POST authorized only by a header, RFC 6750 §2.1).
 */
export type BodyKind = "form" | "json" | "none" | "optional-form";

/** One HTTP endpoint of the public listener; the router handles methods, body limits, parsing and errors. */
export interface HttpEndpoint {
  /** Path relative to the issuer, e.g. "/token". A trailing "/*" matches any sub-path. */
  readonly path: string;
  readonly methods: readonly string[];
  /** Body kind per method; default "form" for POST/PUT, "none" otherwise. */
  readonly body?: Partial<Record<string, BodyKind>>;
  /** Throws OAuthError for protocol errors; never writes to the socket itself. */
  handle(request: EndpointRequest & { json?: unknown }): Promise<EndpointResponse>;
}

export const noStore = { "cache-control": "no-store", pragma: "no-cache" } as const;
