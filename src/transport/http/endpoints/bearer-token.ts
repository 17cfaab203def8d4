import { OAuthErrors, type OAuthError } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The token of a single `Authorization: Bearer` header (RFC 6750 §2.1); undefined when absent, repeated or malformed. */
export function bearerToken(request: Pick<EndpointRequest, "headers">): string | undefined {
  const header = parseBearerHeader(request);
  return header.kind === "token" ? header.token : undefined;
}

/** The attributes of a `WWW-Authenticate: Bearer` challenge, in the order RFC 6750 §3 shows them. */
export interface BearerChallenge {
  realm?: string;
  error?: string;
  /** Already restricted to the RFC 6749 §5.2 character set (OAuthError.description is). */
  description?: string;
  scope?: string;
}

/** The `WWW-Authenticate` value of a Bearer challenge (RFC 6750 §3): `Bearer` alone, or with its attributes. */
export function bearerChallenge(challenge: BearerChallenge): string {
  const { realm, error, description, scope } = challenge;
  const attributes = Object.entries({ realm, error, error_description: description, scope }).filter(([, value]) => value !== undefined);
  return attributes.length === 0 ? "Bearer" : `Bearer ${attributes.map(([name, value]) => `${name}="${value}"`).join(", ")}`;
}

/** 401 invalid_token with its `WWW-Authenticate` challenge (RFC 6750 §3.1). */
export function invalidBearerToken(description: string): OAuthError {
  return OAuthErrors.invalidToken(description, { headers: { "www-authenticate": bearerChallenge({ error: "invalid_token" }) } });
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
