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
  /** Returns extra claims; reserved and authentication claims (iss, sub, aud, exp, iat, jti, client_id, scope, cnf, acr, amr, auth_time, sid, nonce …) are ignored. */
  customize(draft: AccessTokenDraft): Promise<{ claims?: Record<string, unknown>; ttl?: number }>;
}

/** Adds members to active introspection responses (RFC 7662 §2.2). */
export interface IntrospectionCustomizer {
  readonly id: string;
  /** Returns extra members; `active` and reserved members are ignored. */
  customize(response: Readonly<Record<string, unknown>>, caller: Client): Promise<Record<string, unknown>>;
}

/** What a claims provider is asked for: the user, client, granted scopes and `claims` request member (OIDC Core §5.5). */
export interface ClaimsRequest {
  subject: string;
  client: Client;
  scopes: readonly string[];
  /** The `id_token` or `userinfo` member of the `claims` request parameter, when one was sent. */
  requestedClaims?: Record<string, unknown>;
  target: "id_token" | "userinfo";
}

/** Supplies user claims for ID tokens and userinfo responses (OIDC Core §5.1, §5.4, §5.5). */
export interface ClaimsProvider {
  readonly id: string;
  /** Runs for every client when true; otherwise only for clients whose metadata `hooks` lists `id`. */
  readonly global?: boolean;
  /** Returns claims to add; reserved claims (iss, sub, aud, exp, iat, nonce, at_hash, ...) are ignored. */
  claims(request: ClaimsRequest): Promise<Record<string, unknown>>;
}
