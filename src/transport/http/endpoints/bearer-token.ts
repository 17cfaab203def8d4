import { OAuthErrors, type OAuthError } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The token of a single `Authorization: Bearer` header (RFC 6750 §2.1); undefined when absent, repeated or malformed. */
export function bearerToken(request: Pick<EndpointRequest, "headers">): string | undefined {
  const value = request.headers.authorization;
  return typeof value === "string" ? BEARER.exec(value)?.[1] : undefined;
}

/** 401 invalid_token with its `WWW-Authenticate` challenge (RFC 6750 §3.1). */
export function invalidBearerToken(description: string): OAuthError {
  return OAuthErrors.invalidToken(description, { headers: { "www-authenticate": 'Bearer error="invalid_token"' } });
}

/** What the `Authorization` header says about Bearer credentials (RFC 6750 §2.1). */
export type BearerHeader = { kind: "absent" } | { kind: "token"; token: string } | { kind: "malformed" };

/** Reads Bearer credentials (scheme case-insensitive); another scheme counts as absent, a repeated or bad Bearer header as malformed. */
export function parseBearerHeader(request: Pick<EndpointRequest, "headers">): BearerHeader {
  const value = request.headers.authorization;
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const bearer = values.filter((v) => /^bearer(?: |$)/i.test(v));
  if (bearer.length === 0) return { kind: "absent" };
  const token = bearer.length === 1 ? BEARER.exec(bearer[0]!)?.[1] : undefined;
  return token === undefined ? { kind: "malformed" } : { kind: "token", token };
}
