import type { Client } from "./client.js";

/** What a token-response contributor sees: the response core is about to send (RFC 6749 §5.1). */
export interface TokenResponseDraft {
  client: Client;
  grantType: string;
  response: Readonly<Record<string, unknown>>;
}

/**
 * Adds members to successful token responses (RFC 6749 §5.1 allows more parameters). The members core sets
 * (access_token, token_type, expires_in, refresh_token, scope, id_token) and those the grant set (e.g. issued_token_type) cannot be replaced.
 */
export interface TokenResponseContributor {
  readonly id: string;
  /** Runs for every client when true; otherwise only for clients whose metadata `hooks` lists `id`. */
  readonly global?: boolean;
  members(draft: TokenResponseDraft): Promise<Record<string, unknown>>;
}
