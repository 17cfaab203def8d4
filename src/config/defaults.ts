/**
 * Every setting, its environment variable, default and meaning. This table is the single source for the
 * schema, the README configuration table and boot-time error messages.
 */
export interface SettingSpec {
  env: string;
  default: string | undefined;
  description: string;
}

export const SETTINGS = {
  port: { env: "PORT", default: "8080", description: "Public HTTP port (OAuth/OIDC endpoints)." },
  host: { env: "HOST", default: "0.0.0.0", description: "Public HTTP bind address." },
  issuer: { env: "ISSUER", default: undefined, description: "Issuer identifier URL (default `http://localhost:$PORT`)." },
  grpcPort: { env: "GRPC_PORT", default: "50051", description: "Internal gRPC/Connect port (HTTP/2)." },
  grpcHost: { env: "GRPC_HOST", default: "127.0.0.1", description: "Internal listener bind address (loopback by default)." },
  grpcTlsCert: { env: "GRPC_TLS_CERT", default: undefined, description: "PEM certificate (chain) file of the internal listener; with `GRPC_TLS_KEY` it serves TLS instead of h2c." },
  grpcTlsKey: { env: "GRPC_TLS_KEY", default: undefined, description: "PEM private-key file for `GRPC_TLS_CERT` (set both or neither)." },
  grpcTlsClientCa: { env: "GRPC_TLS_CLIENT_CA", default: undefined, description: "PEM file of the CA(s) signing caller certificates; when set, the internal listener requests client certificates (mTLS)." },
  grpcMtlsCallers: { env: "GRPC_MTLS_CALLERS", default: "{}", description: "JSON object: caller certificate SHA-256 thumbprint (RFC 8705 `x5t#S256`) → space-separated internal scopes." },
  metricsPort: { env: "METRICS_PORT", default: "9464", description: "Prometheus `/metrics` port." },
  metricsHost: { env: "METRICS_HOST", default: "127.0.0.1", description: "Metrics listener bind address (loopback by default)." },
  workers: { env: "WORKERS", default: "1", description: "Server processes on this machine sharing the public and internal ports: a number, or `auto` for one per available core; with more than one and no `REDIS_URL`, the primary process holds the ephemeral state for all of them." },
  databaseUrl: { env: "DATABASE_URL", default: "sqlite:./data/portcullis.db", description: "`sqlite:<path>` or `mysql://user:pass@host:port/db`." },
  redisUrl: { env: "REDIS_URL", default: undefined, description: "`redis://…` (`rediss://…` for TLS) for shared ephemeral state, or `redis+cluster://host1:port1,host2:port2` (`rediss+cluster://…`) for Redis Cluster seed nodes; in-memory when unset (single node)." },
  logLevel: { env: "LOG_LEVEL", default: "info", description: "pino level: fatal, error, warn, info, debug, trace, silent." },
  plugins: { env: "PLUGINS", default: "", description: "Comma-separated paths of external plugin modules to load." },
  disabledPlugins: { env: "DISABLED_PLUGINS", default: "", description: "Comma-separated ids of first-party plugins to disable." },
  pluginOptions: { env: "PLUGIN_OPTIONS", default: "{}", description: "JSON object: plugin id → options object." },
  accessTokenTtl: { env: "ACCESS_TOKEN_TTL", default: "3600", description: "Default access-token lifetime (s)." },
  refreshTokenTtl: { env: "REFRESH_TOKEN_TTL", default: "1209600", description: "Default refresh-token lifetime (s)." },
  refreshGraceSeconds: { env: "REFRESH_GRACE_SECONDS", default: "60", description: "Window in which a retried, already-rotated refresh token returns its successor (s)." },
  authorizationCodeTtl: { env: "AUTHORIZATION_CODE_TTL", default: "60", description: "Authorization-code lifetime (s)." },
  sessionTtl: { env: "SESSION_TTL", default: "1209600", description: "Lifetime of a browser SSO session from sign-in (s, 60–31536000); the session cookie's Max-Age." },
  housekeepingInterval: { env: "HOUSEKEEPING_INTERVAL", default: "3600", description: "How often each node deletes expired grants, refresh tokens and ended or expired sessions from the database (s, 60–86400)." },
  interactionTtl: { env: "INTERACTION_TTL", default: "900", description: "How long a user may take to sign in and consent before the authorization request expires (s, 60–3600)." },
  parTtl: { env: "PAR_TTL", default: "60", description: "Lifetime of a pushed authorization request's `request_uri` (s, 5–600; RFC 9126 §2.2 `expires_in`)." },
  pkceRequired: { env: "PKCE_REQUIRED", default: "false", description: "Require PKCE for every client's `code` requests (RFC 9700 §2.1.1); public clients and clients with `require_pkce` always need it." },
  unsignedIdTokens: { env: "UNSIGNED_ID_TOKENS", default: "false", description: "Let clients whose response_types is exactly `code` register `id_token_signed_response_alg` `none` (OIDC Core §10.1); advertised in discovery only when true." },
  requirePar: { env: "REQUIRE_PAR", default: "false", description: "Accept authorization requests only through a pushed request_uri (RFC 9126 §5), for every client." },
  requestUriFetch: { env: "REQUEST_URI_FETCH", default: "true", description: "Fetch a remote `request_uri` that is one of the client's registered `request_uris` (OIDC Core §6.2); `request_uri_not_supported` when false." },
  parLimit: { env: "PAR_LIMIT", default: "60", description: "Pushed authorization requests per client per `RATE_LIMIT_WINDOW` before 429 (RFC 9126 §2.1)." },
  userinfoQueryToken: { env: "USERINFO_QUERY_TOKEN", default: "false", description: "Accept the access token in the `access_token` query parameter at /userinfo (RFC 6750 §2.3; tokens in URLs leak into logs, so off by default)." },
  pkcePlainAllowed: { env: "PKCE_PLAIN_ALLOWED", default: "false", description: "Accept PKCE `code_challenge_method=plain` (RFC 7636 §4.2); S256 only when false." },
  accessTokenAlg: { env: "ACCESS_TOKEN_ALG", default: "ES256", description: "Signing alg of JWT access tokens." },
  signingAlgs: { env: "SIGNING_ALGS", default: "ES256,RS256", description: "Algs that get an active signing key (ES256, RS256, PS256, EdDSA)." },
  keyRotationInterval: { env: "KEY_ROTATION_INTERVAL", default: "0", description: "Automatic signing-key rotation interval (s); 0 disables." },
  keyEncryptionKey: { env: "KEY_ENCRYPTION_KEY", default: undefined, description: "32-byte base64url key sealing private keys and client secrets at rest; a generated key in the database when unset." },
  clockTolerance: { env: "CLOCK_TOLERANCE", default: "30", description: "Leeway for iat/nbf/exp of incoming JWTs (s)." },
  assertionMaxLifetime: { env: "ASSERTION_MAX_LIFETIME", default: "300", description: "Longest accepted client-assertion lifetime, exp − now (s)." },
  dpopProofMaxAge: { env: "DPOP_PROOF_MAX_AGE", default: "60", description: "How old a DPoP proof's `iat` may be (s, 1–300; RFC 9449 §11.1), plus `CLOCK_TOLERANCE` either way; each proof's `jti` is remembered while it could be accepted." },
  dpopNonceRequired: { env: "DPOP_NONCE_REQUIRED", default: "false", description: "Require a server nonce in every DPoP proof (RFC 9449 §8, §9): `use_dpop_nonce` with a `DPoP-Nonce` header until the proof carries a current one." },
  openRegistration: { env: "OPEN_REGISTRATION", default: "false", description: "Allow /register without an initial access token." },
  requireRegistrationEvidence: { env: "REQUIRE_REGISTRATION_EVIDENCE", default: "false", description: "Require attestation `evidence` (bound to a challenge from /challenge) in every /register request, with or without an initial access token; a token can require it on its own (`--require-evidence`)." },
  authFailureLimit: { env: "AUTH_FAILURE_LIMIT", default: "20", description: "Failed client authentications per client and per IP per window before 429." },
  loginFailureLimit: { env: "LOGIN_FAILURE_LIMIT", default: "5", description: "Failed login steps per username (case-insensitive) per `LOGIN_LOCKOUT_SECONDS` before that account's login is locked for as long." },
  loginIpFailureLimit: { env: "LOGIN_IP_FAILURE_LIMIT", default: "50", description: "Failed login steps per client IP per `LOGIN_LOCKOUT_SECONDS` before logins from that IP are locked for as long." },
  loginLockoutSeconds: { env: "LOGIN_LOCKOUT_SECONDS", default: "300", description: "Window in which failed login steps are counted, and how long a lock lasts (s, 1–86400)." },
  introspectionLimit: { env: "INTROSPECTION_LIMIT", default: "600", description: "Introspection requests per client per window before 429." },
  registrationLimit: { env: "REGISTRATION_LIMIT", default: "30", description: "Registration requests per IP per window before 429." },
  rateLimitWindow: { env: "RATE_LIMIT_WINDOW", default: "60", description: "Rate-limit window (s)." },
  bodyLimit: { env: "BODY_LIMIT", default: "65536", description: "Largest request body (bytes); larger gives 413." },
  headerLimit: { env: "HEADER_LIMIT", default: "16384", description: "Largest request header block (bytes); larger gives 431." },
  requestTimeout: { env: "REQUEST_TIMEOUT", default: "30000", description: "Time allowed for a whole request (ms); 408 after." },
  fetchTimeout: { env: "FETCH_TIMEOUT", default: "3000", description: "Timeout for outbound fetches of client URLs such as jwks_uri (ms)." },
  fetchMaxBytes: { env: "FETCH_MAX_BYTES", default: "262144", description: "Size cap for outbound fetches (bytes)." },
  fetchAllowPrivate: { env: "FETCH_ALLOW_PRIVATE", default: "false", description: "Allow outbound fetches to loopback/private addresses (tests and development only)." },
  backchannelLogoutTimeout: { env: "BACKCHANNEL_LOGOUT_TIMEOUT", default: "5", description: "Time allowed for each back-channel logout delivery to an RP (s, 1–60; OIDC Back-Channel Logout §2.5); a slow RP never delays the user's logout." },
  clientCacheTtl: { env: "CLIENT_CACHE_TTL", default: "30", description: "Seconds a client or resource stays in the in-process cache; a change evicts it at once on every node (see \"Operator changes\")." },
  changePollInterval: { env: "CHANGE_POLL_INTERVAL", default: "1000", description: "How often each node reads the change log (ms, 50–60000): the worst-case delay of an operator change on MySQL without Redis, and the backstop when a Redis change signal is lost." },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;
