import { randomUUID } from "node:crypto";
import { SignJWT, type JWTPayload } from "jose";
import type { TestKey } from "../core/clients/auth-fixtures.js";

export { testKey, type TestKey } from "../core/clients/auth-fixtures.js";

/** The attester the tests trust for "client-attestation". */
export const ATTESTER = "https://attester.example.org";

/** Claims with `overrides` applied; an undefined override removes the claim. */
function withOverrides(claims: Record<string, unknown>, overrides: Record<string, unknown>): JWTPayload {
  const merged: Record<string, unknown> = { ...claims, ...overrides };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged as JWTPayload;
}

/** A Client Attestation JWT (draft-ietf-oauth-attestation-based-client-auth-11 §4) about `clientId`, binding `instance`'s public key, valid 1 h from `now` (s). */
export function signClientAttestation(attester: TestKey, instance: TestKey, clientId: string, now: number, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const { kid: _kid, ...jwk } = instance.publicJwk;
  const claims = withOverrides({ iss: ATTESTER, sub: clientId, iat: now, exp: now + 3600, cnf: { jwk } }, overrides);
  return new SignJWT(claims).setProtectedHeader({ alg: attester.alg, kid: attester.kid, typ: "oauth-client-attestation+jwt", ...header }).sign(attester.privateKey);
}

/** A Client Attestation PoP JWT (§5.1) for `aud`, signed with the instance key at `now` (s), with a fresh `jti`. */
export function signAttestationPop(instance: TestKey, aud: string, now: number, overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const claims = withOverrides({ aud, jti: randomUUID(), iat: now }, overrides);
  return new SignJWT(claims).setProtectedHeader({ alg: instance.alg, typ: "oauth-client-attestation-pop+jwt", ...header }).sign(instance.privateKey);
}

/** The two request header fields of §4 and §5.1. */
export const attestationHeaders = (attestation: string, pop: string): Record<string, string> => ({ "oauth-client-attestation": attestation, "oauth-client-attestation-pop": pop });
