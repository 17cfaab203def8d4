/**
 * Client metadata that names a protection or feature this server does not provide (unless a plugin owns the field):
 * refused at registration, naming the field, so a client never believes in a protection it does not have. Names the
 * server neither knows nor owns are ignored (RFC 7591).
 */
export const UNSUPPORTED_METADATA: ReadonlyMap<string, string> = new Map([
  ["tls_client_auth_subject_dn", "mutual-TLS client authentication (RFC 8705)"],
  ["tls_client_auth_san_dns", "mutual-TLS client authentication (RFC 8705)"],
  ["tls_client_auth_san_uri", "mutual-TLS client authentication (RFC 8705)"],
  ["tls_client_auth_san_ip", "mutual-TLS client authentication (RFC 8705)"],
  ["tls_client_auth_san_email", "mutual-TLS client authentication (RFC 8705)"],
  ["frontchannel_logout_uri", "front-channel logout (OIDC Front-Channel Logout)"],
  ["frontchannel_logout_session_required", "front-channel logout (OIDC Front-Channel Logout)"],
  ["id_token_encrypted_response_alg", "encrypted ID tokens (OIDC Registration)"],
  ["id_token_encrypted_response_enc", "encrypted ID tokens (OIDC Registration)"],
  ["userinfo_encrypted_response_alg", "encrypted userinfo responses (OIDC Registration)"],
  ["userinfo_encrypted_response_enc", "encrypted userinfo responses (OIDC Registration)"],
  ["request_object_encryption_alg", "encrypted request objects (OIDC Registration)"],
  ["request_object_encryption_enc", "encrypted request objects (OIDC Registration)"],
  ["authorization_encrypted_response_alg", "encrypted authorization responses (JARM)"],
  ["authorization_encrypted_response_enc", "encrypted authorization responses (JARM)"],
  ["introspection_signed_response_alg", "JWT introspection responses (RFC 9701)"],
  ["introspection_encrypted_response_alg", "JWT introspection responses (RFC 9701)"],
  ["introspection_encrypted_response_enc", "JWT introspection responses (RFC 9701)"],
  ["authorization_details_types", "rich authorization requests (RFC 9396)"],
  ["backchannel_token_delivery_mode", "client-initiated backchannel authentication (OIDC CIBA)"],
  ["backchannel_client_notification_endpoint", "client-initiated backchannel authentication (OIDC CIBA)"],
  ["backchannel_authentication_request_signing_alg", "client-initiated backchannel authentication (OIDC CIBA)"],
  ["backchannel_user_code_parameter", "client-initiated backchannel authentication (OIDC CIBA)"],
]);
