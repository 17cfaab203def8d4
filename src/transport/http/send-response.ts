import type { OAuthError } from "../../plugin-sdk/errors.js";
import { mappingFor } from "../../core/errors/error-table.js";
import { noStore, type EndpointResponse } from "./endpoint.js";
import { isHttp2, type ServerResponseLike } from "./server-request.js";

/** Writes an endpoint response (strings as given, everything else as JSON) with setHeader: no per-request header objects. */
export function sendResponse(res: ServerResponseLike, response: EndpointResponse): void {
  res.setHeader("x-content-type-options", "nosniff");
  if (response.headers) {
    for (const name in response.headers) if (name !== "connection" || !isHttp2(res)) res.setHeader(name, response.headers[name]!);
  }
  let payload: string | undefined;
  if (typeof response.body === "string") payload = response.body;
  else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    if (!res.hasHeader("content-type")) res.setHeader("content-type", "application/json; charset=utf-8");
  }
  if (payload !== undefined) res.setHeader("content-length", Buffer.byteLength(payload));
  res.statusCode = response.status;
  if (payload === undefined) res.end();
  else res.end(payload);
}

/** Writes an OAuth error as JSON with its mapped status and `no-store` (RFC 6749 §5.2). */
export function sendError(res: ServerResponseLike, error: OAuthError): void {
  sendResponse(res, { status: mappingFor(error).status, headers: { ...noStore, ...error.headers }, body: error.toJSON() });
}
