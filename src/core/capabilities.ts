/** What this server instance supports, derived at boot from the enabled plugins and config (RFC 8414 §2). */
export interface Capabilities {
  grantTypes: readonly string[];
  /** Grant types only a client that authenticates may use (their handlers require client authentication, RFC 6749 §2.1). */
  confidentialGrantTypes: readonly string[];
  clientAuthMethods: readonly string[];
  /** Algs per client-auth method family, for `token_endpoint_auth_signing_alg_values_supported`. */
  clientAuthSigningAlgs: readonly string[];
  responseTypes: readonly string[];
  /** Algs with a signing key (ID tokens, userinfo, JARM, JWT access tokens). */
  signingAlgs: readonly string[];
  /** Whether clients may register unsigned ID tokens (`none`, OIDC Core §10.1); an operator setting, off by default. */
  unsignedIdTokens: boolean;
  /** Whether TLS client certificates reach the server (mTLS listener, a listener that asks, a trusted proxy; RFC 8705). */
  clientCertificates: boolean;
}
