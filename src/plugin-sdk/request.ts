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
  /** The TLS client certificate the request presented, if any (RFC 8705 §2); the handshake proved possession of its key. */
  clientCertificate?: PresentedCertificate;
}

/** A client certificate from the TLS handshake (or a trusted proxy): its DER and whether its chain verified against the configured client CAs (RFC 8705 §2.1). */
export interface PresentedCertificate {
  readonly der: Buffer;
  readonly chainVerified: boolean;
}

/** The single value of a header, or undefined; repeated headers are rejected by callers that care. */
export function headerValue(request: Pick<EndpointRequest, "headers">, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
