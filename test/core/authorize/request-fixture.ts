import assert from "node:assert/strict";
import { createHash, type KeyObject } from "node:crypto";
import { SignJWT, type JWTPayload } from "jose";
import { AuthorizationEndpointError, type AuthorizationRequest } from "../../../src/core/authorize/authorization-request.js";
import { AuthorizationRequestValidator, type ValidationOptions } from "../../../src/core/authorize/authorization-request.validator.js";
import { FormParams } from "../../../src/plugin-sdk/form-params.js";
import type { TestApp } from "../../support/test-app.js";

/** A valid S256 code_challenge (RFC 7636 §4.2) and its verifier. */
export const VERIFIER = "dBjftJeZ4CVP-mJ92K8vY3n5Lr5b0HaRCw2Fj9t7T1s";
export const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");

/** Validates `params` with the app's AuthorizationRequestValidator. */
export function validate(t: TestApp, params: Record<string, string | string[]>, options: ValidationOptions = { via: "authorize" }): Promise<AuthorizationRequest> {
  return t.app.container.resolve(AuthorizationRequestValidator).validate(FormParams.from(params), options);
}

/**
 * Expects an AuthorizationEndpointError with `error`; `target` false asserts an error page (no redirect target), a
 * string asserts the redirect target's URI. Returns the thrown error.
 */
export async function expectRefused(promise: Promise<unknown>, error: string, target: false | string): Promise<AuthorizationEndpointError> {
  const thrown = await promise.then(
    () => assert.fail(`expected ${error}, but the request was accepted`),
    (e: unknown) => e,
  );
  assert.ok(thrown instanceof AuthorizationEndpointError, `expected an AuthorizationEndpointError, got ${String(thrown)}`);
  assert.equal(thrown.error.error, error, thrown.message);
  if (target === false) assert.equal(thrown.target, undefined, `no redirect target expected, got ${thrown.target?.redirectUri}`);
  else assert.equal(thrown.target?.redirectUri, target, "redirect target");
  return thrown;
}

/** Signs a request object (RFC 9101 §4) with defaults a valid code request needs; `undefined` claims are removed. */
export function signRequestObject(key: KeyObject | Uint8Array, header: { alg: string; kid?: string }, claims: Record<string, unknown>): Promise<string> {
  const payload: Record<string, unknown> = { ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload as JWTPayload).setProtectedHeader(header).sign(key);
}
