import { randomUUID } from "node:crypto";

/** A caller's id is kept only when it is a short token of safe characters (no spaces, quotes or control characters to inject into logs). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request's id: the caller's `X-Request-Id` (HTTP) or `x-request-id` metadata (gRPC) when safe, else a fresh random UUID. */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === "string" && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
