import type { FormParams } from "./form-params.js";

/** A transport-agnostic view of an HTTP request to an OAuth endpoint. */
export interface EndpointRequest {
  method: string;
  /** Absolute URL as seen by the server (issuer origin + path + query). */
  url: string;
  /** Lower-cased header names; repeated headers stay arrays. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The form body (POST) or query (GET). */
  params: FormParams;
  /** Remote address, for rate limits and audit. */
  remoteAddress: string;
  /** DER of the verified TLS client certificate, when one was presented (RFC 8705). */
  clientCertificate?: Buffer;
}

/** The single value of a header, or undefined; repeated headers are rejected by callers that care. */
export function headerValue(request: Pick<EndpointRequest, "headers">, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
