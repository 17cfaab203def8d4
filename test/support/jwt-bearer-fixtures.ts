import { createPublicKey, randomUUID } from "node:crypto";
import { SignJWT, type JWTPayload } from "jose";
import { b64url, hmacJws, type TestKey } from "../core/clients/auth-fixtures.js";

export { testKey, type TestKey } from "../core/clients/auth-fixtures.js";

/** The grant type of RFC 7523 §2.1. */
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** Who an assertion is from, about and for. */
export interface AssertionBase {
  iss: string;
  sub: string;
  aud: string | string[];
  /** Epoch seconds. */
  now: number;
}

/** The claims of an assertion at `base.now` (exp 60 s ahead, a fresh jti); `overrides` replace claims, undefined removes one. */
export function assertionClaims(base: AssertionBase, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = { iss: base.iss, sub: base.sub, aud: base.aud, iat: base.now, exp: base.now + 60, jti: randomUUID(), ...overrides };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** An assertion signed with `key` under its alg and kid (RFC 7523 §3); `header` replaces header members. */
export function signAssertion(key: TestKey, base: AssertionBase, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(assertionClaims(base, overrides) as JWTPayload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header }).sign(key.privateKey);
}

/** The same claims unsigned (`alg: none`, RFC 7519 §6). */
export const unsignedAssertion = (base: AssertionBase, overrides: Record<string, unknown> = {}) => `${b64url({ alg: "none" })}.${b64url(assertionClaims(base, overrides))}.`;

/** HS256 keyed with an RSA key's public PEM and with its JWK JSON (CVE-2016-10555 key confusion), under the key's kid. */
export function confusedAssertions(rsa: TestKey, base: AssertionBase): string[] {
  const pem = createPublicKey({ key: rsa.publicJwk as never, format: "jwk" }).export({ type: "spki", format: "pem" });
  return [pem, JSON.stringify(rsa.publicJwk)].map((secret) => hmacJws("HS256", secret, assertionClaims(base), rsa.kid));
}
