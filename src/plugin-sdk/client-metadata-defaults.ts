import type { ClientMetadata } from "./client.js";

/** The defaults of client metadata (RFC 7591 §2, OIDC Registration §2, JARM §3): the one place every reader takes them from. */
export const CLIENT_METADATA_DEFAULTS = Object.freeze({
  token_endpoint_auth_method: "client_secret_basic",
  grant_types: Object.freeze(["authorization_code"]) as readonly string[],
  application_type: "web",
  subject_type: "public",
  id_token_signed_response_alg: "RS256",
  authorization_signed_response_alg: "RS256",
} as const);

/** The client's `token_endpoint_auth_method` (RFC 7591 §2: default client_secret_basic). */
export const authMethodOf = (metadata: ClientMetadata): string => metadata.token_endpoint_auth_method ?? CLIENT_METADATA_DEFAULTS.token_endpoint_auth_method;

/** The client's `grant_types` (RFC 7591 §2: default authorization_code). */
export const grantTypesOf = (metadata: ClientMetadata): readonly string[] => metadata.grant_types ?? CLIENT_METADATA_DEFAULTS.grant_types;

/** The client's `response_types`: default `code` when it may use the authorization code grant, else none (RFC 7591 §2.1). */
export const responseTypesOf = (metadata: ClientMetadata): readonly string[] => metadata.response_types ?? (grantTypesOf(metadata).includes("authorization_code") ? ["code"] : []);

/** The client's `application_type` (OIDC Registration §2: default web). */
export const applicationTypeOf = (metadata: ClientMetadata): "web" | "native" => metadata.application_type ?? CLIENT_METADATA_DEFAULTS.application_type;

/** The alg of the client's ID tokens (OIDC Registration §2: default RS256). */
export const idTokenAlgOf = (metadata: ClientMetadata): string => metadata.id_token_signed_response_alg ?? CLIENT_METADATA_DEFAULTS.id_token_signed_response_alg;

/** The alg of the client's JARM responses (JARM §3: default RS256). */
export const authorizationResponseAlgOf = (metadata: ClientMetadata): string => metadata.authorization_signed_response_alg ?? CLIENT_METADATA_DEFAULTS.authorization_signed_response_alg;
