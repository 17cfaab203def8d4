import assert from "node:assert/strict";
import { mappingFor } from "../../../src/core/errors/error-table.js";
import type { OAuthError } from "../../../src/plugin-sdk/errors.js";
import { FormParams } from "../../../src/plugin-sdk/form-params.js";
import type { EndpointRequest } from "../../../src/plugin-sdk/request.js";
import { assertOAuthError, ISSUER } from "../../core/clients/registry-fixture.js";

/** A request as the router hands it to an endpoint, JSON already parsed (RFC 7591 §3.1). */
export function endpointRequest(
  method: string,
  path: string,
  options: { json?: unknown; authorization?: string; issuer?: string } = {},
): EndpointRequest & { json?: unknown } {
  const { json, authorization, issuer = ISSUER } = options;
  return { method, url: `${issuer}${path}`, headers: authorization ? { authorization } : {}, params: new FormParams(), remoteAddress: "127.0.0.1", json };
}

/** Asserts a 401 invalid_token with the RFC 6750 §3.1 challenge. */
export function assertInvalidToken(error: unknown): true {
  assertOAuthError(error, "invalid_token");
  assert.equal(mappingFor(error as OAuthError).status, 401);
  assert.equal((error as OAuthError).headers["www-authenticate"], 'Bearer error="invalid_token"');
  return true;
}
