import type { JWK } from "jose";
import type { Client } from "../../../src/plugin-sdk/client.js";
import type { ClientAssertionExpectation, ClientAuthContext } from "../../../src/plugin-sdk/client-auth.js";
import { OAuthErrors } from "../../../src/plugin-sdk/errors.js";

/** A ClientAuthContext over fixed clients and plaintext secrets that records assertion checks (plugin unit tests only). */
export class StubContext implements ClientAuthContext {
  readonly assertionChecks: { assertion: string; clientId: string; expectation: ClientAssertionExpectation }[] = [];
  private readonly clients: Map<string, Client>;

  constructor(
    clientIds: readonly string[],
    private readonly secrets: Readonly<Record<string, string>> = {},
    private readonly keys: Readonly<Record<string, readonly JWK[]>> = {},
  ) {
    this.clients = new Map(clientIds.map((clientId) => [clientId, { clientId, metadata: {}, issuedAt: 0, updatedAt: 0 }]));
  }

  /** Registers `client` as stored (its metadata included), replacing one of the same id. */
  add(client: Client): this {
    this.clients.set(client.clientId, client);
    return this;
  }

  async findClient(clientId: string): Promise<Client | undefined> {
    return this.clients.get(clientId);
  }

  secretMatches(client: Client, presented: string): boolean {
    return this.secrets[client.clientId] === presented;
  }

  async verifyClientAssertion(assertion: string, clientId: string, expectation: ClientAssertionExpectation): Promise<Client> {
    this.assertionChecks.push({ assertion, clientId, expectation });
    const client = this.clients.get(clientId);
    if (!client) throw OAuthErrors.invalidClient("unknown client");
    return client;
  }

  async findClientKey(client: Client, matches: (key: JWK) => boolean): Promise<JWK | undefined> {
    return (this.keys[client.clientId] ?? []).find(matches);
  }
}
