import type { ClientMetadata } from "../../plugin-sdk/client.js";
import type { ClientAuthenticator } from "../../plugin-sdk/client-auth.js";
import type { ClientMetadataField } from "../../plugin-sdk/client-metadata.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { normalizeResponseType } from "../authorize/response-types.js";
import type { Capabilities } from "../capabilities.js";
import { CLIENT_KEY_ALGORITHMS } from "./client-jwks-cache.js";
import { privateMemberOf } from "../keys/public-jwk.js";
import { httpsUrlProblem } from "../security/fetchable-url.js";
import { sectorIdentifierOf } from "../users/subject-resolver.js";
import { applicationTypeOf, authMethodOf, grantTypesOf, responseTypesOf } from "../../plugin-sdk/client-metadata-defaults.js";

/** What the checks depend on besides the metadata itself. */
export interface MetadataValidationContext {
  capabilities: Capabilities;
  /** FETCH_ALLOW_PRIVATE: development and tests may point fetched URLs at loopback/private hosts, over http too. */
  allowPrivateHosts: boolean;
  /** The enabled client-authentication plugins: each owns the rules of its method's metadata. */
  authenticators: readonly ClientAuthenticator[];
  /** Plugin-owned metadata fields, each with its own cross-field rule. */
  fields: ReadonlyMap<string, ClientMetadataField>;
}

/** Metadata that forbids unbound access tokens (RFC 9449 §5.2, RFC 8705 §3.4). */
const SENDER_CONSTRAINT_FIELDS = ["dpop_bound_access_tokens", "tls_client_certificate_bound_access_tokens"] as const;
/** Hosts for which `http` redirect URIs stay allowed, for development and native apps (RFC 8252 §7.3). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
/** Schemes that run script in the browser instead of navigating (RFC 9700 §4.1.3). */
const SCRIPT_SCHEMES = new Set(["javascript:", "data:", "vbscript:"]);
/** URLs the server fetches, or shows to users as links: https only, never internal hosts (SSRF, corpus 88). */
const HTTPS_URL_FIELDS = [
  "jwks_uri",
  "sector_identifier_uri",
  "logo_uri",
  "client_uri",
  "policy_uri",
  "tos_uri",
  "backchannel_logout_uri",
  "initiate_login_uri",
] as const;

/**
 * Semantic checks of parsed metadata (RFC 7591 §2, §2.1, §3.2.2; OIDC Registration §2; RFC 8252 §7); the rules of an
 * auth method or of a plugin-owned field are its plugin's. Throws invalid_redirect_uri or invalid_client_metadata
 * naming the offending value.
 */
export function validateClientMetadata(metadata: ClientMetadata, context: MetadataValidationContext): void {
  checkRedirectUris(metadata);
  checkUrls(metadata, context.allowPrivateHosts);
  checkGrantAndResponseTypes(metadata, context.capabilities);
  checkAuthentication(metadata, context);
  checkSigningAlgs(metadata, context.capabilities);
  checkSubjectType(metadata);
  if (metadata.tls_client_certificate_bound_access_tokens === true && !context.capabilities.clientCertificates) {
    throw OAuthErrors.invalidClientMetadata("tls_client_certificate_bound_access_tokens needs mutual TLS, which this server does not offer");
  }
  for (const [name, field] of context.fields) if (metadata[name] !== undefined) field.validate?.(metadata);
}

/** Why `uri` cannot be a redirection URI of this application type, or undefined (RFC 6749 §3.1.2, RFC 8252 §7). */
function redirectUriProblem(uri: string, applicationType: "web" | "native"): string | undefined {
  if (!URL.canParse(uri)) return "is not an absolute URI";
  if (uri.includes("#")) return "must not contain a fragment";
  const { protocol, hostname } = new URL(uri);
  if (SCRIPT_SCHEMES.has(protocol)) return `must not use the ${protocol} scheme`;
  if (protocol === "https:") return undefined;
  if (protocol === "http:") return LOOPBACK_HOSTS.has(hostname) ? undefined : "may use http only on a loopback host (127.0.0.1, [::1], localhost)";
  if (applicationType === "native") return protocol.includes(".") ? undefined : "must use https, http on a loopback host, or a reverse-domain private-use scheme";
  return "must use https";
}

function checkRedirectUris(metadata: ClientMetadata): void {
  const applicationType = applicationTypeOf(metadata);
  const grants = grantTypesOf(metadata);
  if ((grants.includes("authorization_code") || grants.includes("implicit")) && !metadata.redirect_uris?.length) {
    throw OAuthErrors.invalidRedirectUri("redirect_uris is required for the authorization_code and implicit grant types");
  }
  metadata.redirect_uris?.forEach((uri, i) => {
    const problem = redirectUriProblem(uri, applicationType);
    if (problem) throw OAuthErrors.invalidRedirectUri(`redirect_uris[${i}] ${problem}`);
  });
  metadata.post_logout_redirect_uris?.forEach((uri, i) => {
    const problem = redirectUriProblem(uri, applicationType);
    if (problem) throw OAuthErrors.invalidClientMetadata(`post_logout_redirect_uris[${i}] ${problem}`);
  });
}

function checkUrls(metadata: ClientMetadata, allowPrivateHosts: boolean): void {
  const values: [string, string | undefined][] = [
    ...HTTPS_URL_FIELDS.map((field): [string, string | undefined] => [field, metadata[field]]),
    ...(metadata.request_uris ?? []).map((uri, i): [string, string] => [`request_uris[${i}]`, uri]),
  ];
  for (const [name, value] of values) {
    const problem = value === undefined ? undefined : httpsUrlProblem(value, allowPrivateHosts);
    if (problem) throw OAuthErrors.invalidClientMetadata(`${name} ${problem}`);
  }
  // OIDC Back-Channel Logout §2.2: the URI MAY contain a query but MUST NOT contain a fragment.
  if (metadata.backchannel_logout_uri?.includes("#")) throw OAuthErrors.invalidClientMetadata("backchannel_logout_uri must not contain a fragment");
}


function checkGrantAndResponseTypes(metadata: ClientMetadata, capabilities: Capabilities): void {
  const grants = grantTypesOf(metadata);
  const responseTypes = responseTypesOf(metadata);
  for (const grant of grants) {
    if (!capabilities.grantTypes.includes(grant)) throw OAuthErrors.invalidClientMetadata(`grant type ${grant} is not supported`);
  }
  if (grants.every((grant) => grant === "refresh_token")) {
    throw OAuthErrors.invalidClientMetadata("grant type refresh_token needs a grant type that issues refresh tokens");
  }
  const supported = new Set(capabilities.responseTypes.map(normalizeResponseType));
  for (const responseType of responseTypes) {
    const values = normalizeResponseType(responseType).split(" ");
    if (!supported.has(values.join(" "))) throw OAuthErrors.invalidClientMetadata(`response type ${responseType} is not supported`);
    if (values.includes("code") && !grants.includes("authorization_code")) {
      throw OAuthErrors.invalidClientMetadata(`response type ${responseType} requires the authorization_code grant type`);
    }
    if ((values.includes("token") || values.includes("id_token")) && !grants.includes("implicit")) {
      throw OAuthErrors.invalidClientMetadata(`response type ${responseType} requires the implicit grant type`);
    }
    // RFC 9449 §5.2, RFC 8705 §3: such a client gets no unbound token; the authorization endpoint binds none.
    const bound = SENDER_CONSTRAINT_FIELDS.find((field) => metadata[field] === true);
    if (values.includes("token") && bound) {
      throw OAuthErrors.invalidClientMetadata(`response type ${responseType} returns Bearer access tokens, which ${bound} excludes`);
    }
  }
  const returns = (value: string) => responseTypes.some((rt) => rt.split(" ").includes(value));
  if (grants.includes("authorization_code") && !returns("code")) {
    throw OAuthErrors.invalidClientMetadata("grant type authorization_code requires a response type containing code");
  }
  if (grants.includes("implicit") && !returns("token") && !returns("id_token")) {
    throw OAuthErrors.invalidClientMetadata("grant type implicit requires a response type containing token or id_token");
  }
}

/** The method's plugin must exist and accept the metadata; grants that need client authentication exclude `none` (RFC 6749 §2.1). */
function checkAuthentication(metadata: ClientMetadata, context: MetadataValidationContext): void {
  const method = authMethodOf(metadata);
  const authenticator = context.authenticators.find((a) => a.method === method);
  if (!authenticator) throw OAuthErrors.invalidClientMetadata(`token_endpoint_auth_method ${method} is not supported`);
  const confidential = grantTypesOf(metadata).find((grant) => context.capabilities.confidentialGrantTypes.includes(grant));
  if (method === "none" && confidential) {
    throw OAuthErrors.invalidClientMetadata(`grant type ${confidential} requires client authentication, not token_endpoint_auth_method none`);
  }
  if (metadata.jwks && metadata.jwks_uri) throw OAuthErrors.invalidClientMetadata("jwks and jwks_uri must not both be present");
  metadata.jwks?.keys.forEach((key, i) => {
    const member = privateMemberOf(key);
    if (member) throw OAuthErrors.invalidClientMetadata(`jwks.keys[${i}] must be a public key (it has the private member ${member})`);
  });
  const authAlg = metadata.token_endpoint_auth_signing_alg;
  if (authAlg !== undefined && !authenticator.signingAlgorithms?.includes(authAlg)) {
    throw OAuthErrors.invalidClientMetadata(`token_endpoint_auth_signing_alg ${authAlg} is not supported for ${method}`);
  }
  authenticator.validateMetadata?.(metadata);
}

function checkSigningAlgs(metadata: ClientMetadata, capabilities: Capabilities): void {
  // Exactly ["code"]: no ID token ever leaves the authorization endpoint (a client without response types gets none).
  const responseTypes = responseTypesOf(metadata);
  const codeOnly = responseTypes.length > 0 && responseTypes.every((rt) => rt === "code");
  for (const field of ["id_token_signed_response_alg", "userinfo_signed_response_alg", "authorization_signed_response_alg", "request_object_signing_alg"] as const) {
    const alg = metadata[field];
    if (alg === undefined) continue;
    // Request objects are verified with the client's keys (RFC 9101 §6.1); everything else is signed with ours.
    if (field === "request_object_signing_alg" ? CLIENT_KEY_ALGORITHMS.has(alg) : capabilities.signingAlgs.includes(alg)) continue;
    // OIDC Registration §2: unsigned ID tokens only when the operator enabled them and none comes from the authorization endpoint.
    if (alg === "none" && field === "id_token_signed_response_alg") {
      if (!capabilities.unsignedIdTokens) throw OAuthErrors.invalidClientMetadata("id_token_signed_response_alg none: unsigned ID tokens are not enabled on this server");
      if (codeOnly) continue;
    }
    throw OAuthErrors.invalidClientMetadata(`${field} ${alg} is not supported`);
  }
}

/** OIDC Core §8.1: a pairwise client whose redirect URIs span several hosts (or that has none) MUST register a sector_identifier_uri. */
function checkSubjectType(metadata: ClientMetadata): void {
  if (metadata.subject_type === "pairwise" && sectorIdentifierOf(metadata) === undefined) {
    throw OAuthErrors.invalidClientMetadata("subject_type pairwise requires sector_identifier_uri when redirect_uris do not share one host");
  }
}
