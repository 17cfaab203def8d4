import type { Client } from "../../plugin-sdk/client.js";
import type { RegistrationPolicy } from "./registration-policy.js";

/** Where a registration came from: operators (CLI, admin RPC) may set what dynamic registration may not. */
export type RegistrationSource = "operator" | "dynamic";

/** A registration result with the plaintext credentials, shown exactly once (RFC 7591 §3.2.1). */
export interface RegisteredClient {
  client: Client;
  clientSecret?: string;
  registrationAccessToken?: string;
}

/** The client registry: validates metadata, issues ids and secrets, stores digests (RFC 7591, RFC 7592). */
export interface ClientRegistry {
  /**
   * Validates raw metadata (throws invalid_client_metadata / invalid_redirect_uri, invalid_software_statement /
   * unapproved_software_statement) under the initial access token's `policy`, and creates the client.
   */
  register(metadata: unknown, source: RegistrationSource, policy?: RegistrationPolicy): Promise<RegisteredClient>;
  get(clientId: string): Promise<Client | undefined>;
  /** Replaces the metadata after validation (RFC 7592 §2.2); credentials are kept. */
  update(clientId: string, metadata: unknown, source: RegistrationSource): Promise<Client>;
  /** Deletes the client; false when it does not exist. */
  delete(clientId: string, source: RegistrationSource): Promise<boolean>;
  list(options: { limit: number; after?: string }): Promise<Client[]>;
  /** Issues a new client secret; the old one stops working at once. */
  rotateSecret(clientId: string, source: RegistrationSource): Promise<RegisteredClient>;
  /** Issues a new registration access token; the old one stops working at once (RFC 7592 §3). */
  rotateRegistrationToken(clientId: string): Promise<RegisteredClient>;
  /** The RFC 7591 §3.2.1 response body for a client (credentials included when given). */
  toResponse(registered: RegisteredClient): Record<string, unknown>;
}
