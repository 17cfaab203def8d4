import { OAuthErrors, type OAuthError } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";

/** An access-token `Authorization` scheme, lower-cased: Bearer (RFC 6750 §2.1) or DPoP (RFC 9449 §7.1). */
export type TokenScheme = "bearer" | "dpop";

const CREDENTIALS = /^([A-Za-z]+) +([A-Za-z0-9\-._~+/]+=*)$/;

/** The token of a single `Authorization: Bearer` header (RFC 6750 §2.1); undefined when absent, repeated or malformed. */
export function bearerToken(request: Pick<EndpointRequest, "headers">): string | undefined {
  const header = parseTokenHeader(request, ["bearer"]);
  return header.kind === "token" ? header.token : undefined;
}

/** The attributes of a `WWW-Authenticate` challenge, in the order RFC 6750 §3 and RFC 9449 §7.1 show them. */
export interface TokenChallenge {
  realm?: string;
  error?: string;
  /** Already restricted to the RFC 6749 §5.2 character set (OAuthError.description is). */
  description?: string;
  scope?: string;
  /** RFC 9449 §7.1: the DPoP proof algs the resource accepts, space-separated. */
  algs?: string;
}

/** The `WWW-Authenticate` value of a Bearer challenge (RFC 6750 §3): `Bearer` alone, or with its attributes. */
export function bearerChallenge(challenge: TokenChallenge): string {
  return authChallenge("Bearer", challenge);
}

/** The `WWW-Authenticate` value of a DPoP challenge (RFC 9449 §7.1). */
export function dpopChallenge(challenge: TokenChallenge): string {
  return authChallenge("DPoP", challenge);
}

function authChallenge(scheme: string, { realm, error, description, scope, algs }: TokenChallenge): string {
  const attributes = Object.entries({ realm, error, error_description: description, scope, algs }).filter(([, value]) => value !== undefined);
  return attributes.length === 0 ? scheme : `${scheme} ${attributes.map(([name, value]) => `${name}="${value}"`).join(", ")}`;
}

/** 401 invalid_token with its `WWW-Authenticate` challenge (RFC 6750 §3.1). */
export function invalidBearerToken(description: string): OAuthError {
  return OAuthErrors.invalidToken(description, { headers: { "www-authenticate": bearerChallenge({ error: "invalid_token" }) } });
}

/** What the `Authorization` header says about access-token credentials (RFC 6750 §2.1, RFC 9449 §7.1). */
export type TokenHeader = { kind: "absent" } | { kind: "token"; scheme: TokenScheme; token: string } | { kind: "malformed" };

/**
 * Reads access-token credentials of the accepted `schemes` (scheme names are case-insensitive, RFC 9110 §11.1);
 * another scheme counts as absent, a repeated or bad header of an accepted scheme as malformed.
 */
export function parseTokenHeader(request: Pick<EndpointRequest, "headers">, schemes: readonly TokenScheme[]): TokenHeader {
  const value = request.headers.authorization;
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const accepted = values.filter((v) => schemes.includes(v.split(" ", 1)[0]!.toLowerCase() as TokenScheme));
  if (accepted.length === 0) return { kind: "absent" };
  const match = accepted.length === 1 ? CREDENTIALS.exec(accepted[0]!) : null;
  return match ? { kind: "token", scheme: match[1]!.toLowerCase() as TokenScheme, token: match[2]! } : { kind: "malformed" };
}
