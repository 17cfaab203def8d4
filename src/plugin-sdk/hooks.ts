import type { Client } from "./client.js";

/** Input to a token customizer: the claims core is about to sign. */
export interface AccessTokenDraft {
  client: Client;
  grantType: string;
  claims: Readonly<Record<string, unknown>>;
  /** Lifetime in seconds. */
  ttl: number;
}

/** Adds non-reserved claims to access tokens and may shorten their lifetime (RFC 9068 §2.2). */
export interface TokenCustomizer {
  readonly id: string;
  /** Returns extra claims; reserved claims (iss, sub, aud, exp, iat, jti, client_id, scope, cnf) are ignored. */
  customize(draft: AccessTokenDraft): Promise<{ claims?: Record<string, unknown>; ttl?: number }>;
}

/** Adds members to active introspection responses (RFC 7662 §2.2). */
export interface IntrospectionCustomizer {
  readonly id: string;
  /** Returns extra members; `active` and reserved members are ignored. */
  customize(response: Readonly<Record<string, unknown>>, caller: Client): Promise<Record<string, unknown>>;
}
