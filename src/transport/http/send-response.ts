import type { ServerResponse } from "node:http";
import type { OAuthError } from "../../plugin-sdk/errors.js";
import { mappingFor } from "../../core/errors/error-table.js";
import { noStore, type EndpointResponse } from "./endpoint.js";

const securityHeaders = { "x-content-type-options": "nosniff" } as const;

/** Writes an endpoint response: strings as given, everything else as JSON. */
export function sendResponse(res: ServerResponse, response: EndpointResponse): void {
  const headers: Record<string, string> = { ...securityHeaders, ...response.headers };
  let payload: string | undefined;
  if (typeof response.body === "string") payload = response.body;
  else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers["content-type"] ??= "application/json; charset=utf-8";
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Writes an OAuth error as JSON with its mapped status and `no-store` (RFC 6749 §5.2). */
export function sendError(res: ServerResponse, error: OAuthError): void {
  sendResponse(res, { status: mappingFor(error).status, headers: { ...noStore, ...error.headers }, body: error.toJSON() });
}
