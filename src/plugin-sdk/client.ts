import type { JSONWebKeySet } from "jose";

/** Registered client metadata (RFC 7591 §2, OIDC Registration §2) plus Portcullis extensions. */
export interface ClientMetadata {
  redirect_uris?: string[];
  token_endpoint_auth_method?: string;
  token_endpoint_auth_signing_alg?: string;
  grant_types?: string[];
  response_types?: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  contacts?: string[];
  tos_uri?: string;
  policy_uri?: string;
  jwks_uri?: string;
  jwks?: JSONWebKeySet;
  software_id?: string;
  software_version?: string;
  /** RFC 7591 §2.3: the verified software statement the client was registered with, as presented. */
  software_statement?: string;
  application_type?: "web" | "native";
  sector_identifier_uri?: string;
  subject_type?: "public" | "pairwise";
  id_token_signed_response_alg?: string;
  userinfo_signed_response_alg?: string;
  request_object_signing_alg?: string;
  authorization_signed_response_alg?: string;
  default_max_age?: number;
  require_auth_time?: boolean;
  default_acr_values?: string[];
  initiate_login_uri?: string;
  request_uris?: string[];
  post_logout_redirect_uris?: string[];
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
  require_pushed_authorization_requests?: boolean;
  /** RFC 9101 §10.5: authorization requests only as request objects. */
  require_signed_request_object?: boolean;
  /** RFC 9449 §5.2: every token request carries a DPoP proof; one without is refused (invalid_dpop_proof). */
  dpop_bound_access_tokens?: boolean;
  /** RFC 8705 §3.4: access tokens bound to the TLS client certificate (`cnf.x5t#S256`); a token request without one is refused. */
  tls_client_certificate_bound_access_tokens?: boolean;
  /** Portcullis: "jwt" (RFC 9068, default) or "opaque" reference access tokens. */
  access_token_format?: "jwt" | "opaque";
  /** Portcullis: access-token lifetime in seconds for this client. */
  access_token_lifetime?: number;
  /** Portcullis: refresh-token lifetime in seconds for this client. */
  refresh_token_lifetime?: number;
  /** Portcullis: accept the issuer's token-endpoint URL as a client-assertion `aud` (OIDC Core §9 compatibility). */
  client_assertion_allow_endpoint_audience?: boolean;
  /** Portcullis: hooks this client opts into, by plugin id. */
  hooks?: string[];
  /** Portcullis (operator only): PKCE required even though the client authenticates (RFC 7636 §4.3, RFC 9700 §2.1.1). */
  require_pkce?: boolean;
  /** Portcullis (operator only): a first-party client whose users never see the consent page (OIDC Core §3.1.2.4). */
  skip_consent?: boolean;
  /** Fields owned by plugins (ClientMetadataField), under their names. */
  [extension: string]: unknown;
}

/** A client as stored: metadata plus server-held facts (RFC 7591 §3.2.1). */
export interface Client {
  clientId: string;
  metadata: ClientMetadata;
  /** SHA-256 digest (base64url) of the client secret, when one was issued. */
  secretDigest?: string;
  /** The secret sealed with the server key, only for methods that need the secret itself (client_secret_jwt). */
  secretSealed?: string;
  secretExpiresAt?: number;
  /** Epoch seconds. */
  issuedAt: number;
  /** SHA-256 digest (base64url) of the RFC 7592 registration access token. */
  registrationTokenDigest?: string;
  /** Epoch ms of the last write; caches use it as the registration's version. */
  updatedAt: number;
}

/** The result of client authentication at an endpoint (RFC 6749 §2.3). */
export interface AuthenticatedClient {
  client: Client;
  /** The token_endpoint_auth_method that authenticated it, or "none" for public clients. */
  method: string;
  /** Certificate thumbprint when authenticated by mTLS (RFC 8705 §2). */
  certificateThumbprint?: string;
}
