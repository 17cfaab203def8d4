import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, type JWK, type JWTPayload } from "jose";
import { mappingFor } from "../../../src/core/errors/error-table.js";
import { isOAuthError, type OAuthError } from "../../../src/plugin-sdk/errors.js";
import { FormParams } from "../../../src/plugin-sdk/form-params.js";
import type { EndpointRequest } from "../../../src/plugin-sdk/request.js";

export const ISSUER = "https://as.example.com";
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** A request to an endpoint with form parameters and headers. */
export function endpointRequest(params: Record<string, string> = {}, headers: Record<string, string> = {}, remoteAddress = "203.0.113.7"): EndpointRequest {
  return { method: "POST", url: `${ISSUER}/token`, headers, params: FormParams.from(params), remoteAddress };
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

/** Awaits `promise`, expecting an OAuthError with this code and HTTP status (from the one error table); returns it. */
export async function expectOAuthError(promise: Promise<unknown>, error: string, status: number): Promise<OAuthError> {
  const thrown = await promise.then(
    () => assert.fail(`expected ${error}, but it succeeded`),
    (e: unknown) => e,
  );
  assert.ok(isOAuthError(thrown), `expected an OAuthError, got ${String(thrown)}`);
  assert.equal(thrown.error, error, thrown.message);
  assert.equal(mappingFor(thrown).status, status);
  return thrown;
}

/** A signing key pair with its public JWK. */
export interface TestKey {
  alg: string;
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

const KEY_TYPES: Record<string, () => { privateKey: KeyObject; publicKey: KeyObject }> = {
  RS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
  PS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
  ES256: () => generateKeyPairSync("ec", { namedCurve: "P-256" }),
  EdDSA: () => generateKeyPairSync("ed25519"),
};

export function testKey(alg: keyof typeof KEY_TYPES, kid: string = randomUUID()): TestKey {
  const { privateKey, publicKey } = KEY_TYPES[alg]!();
  return { alg, kid, privateKey, publicJwk: { ...publicKey.export({ format: "jwk" }), kid } };
}

/** Signs a client assertion for `clientId` at `nowSeconds`; `claims` override or (with undefined) remove defaults. */
export function signAssertion(
  key: KeyObject | Uint8Array,
  header: { alg: string; kid?: string },
  clientId: string,
  nowSeconds: number,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const payload: Record<string, unknown> = { iss: clientId, sub: clientId, aud: ISSUER, jti: randomUUID(), iat: nowSeconds, exp: nowSeconds + 60, ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload as JWTPayload).setProtectedHeader(header).sign(key);
}

/** base64url of a string, or of a value's JSON. */
export const b64url = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** A compact JWS with an HMAC signature computed by hand (for key-confusion attacks, CVE-2016-10555). */
export function hmacJws(alg: "HS256", key: string | Buffer, payload: object, kid?: string): string {
  const input = `${b64url({ alg, ...(kid && { kid }) })}.${b64url(payload)}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}
