import type { JWK } from "jose";
import { inject, injectable } from "tsyringe";
import type { ClientAssertionExpectation, ClientAuthContext } from "../../plugin-sdk/client-auth.js";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import { digestMatches } from "../security/digest.js";
import { ClientAssertionVerifier } from "./client-assertion.verifier.js";
import { SafeFetchError } from "../security/safe-fetch.js";
import { ClientCache } from "./client-cache.js";
import { ClientJwksCache } from "./client-jwks-cache.js";
import { secretExpired } from "./client-secret.js";

/** Core's side of the SDK `ClientAuthContext`: the rules plugins rely on and cannot switch off (RFC 6749 §2.3). */
@injectable()
export class CoreClientAuthContext implements ClientAuthContext {
  constructor(
    @inject(ClientCache) private readonly clients: ClientCache,
    @inject(ClientAssertionVerifier) private readonly assertions: ClientAssertionVerifier,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(ClientJwksCache) private readonly keys: ClientJwksCache,
  ) {}

  findClient(clientId: string): Promise<Client | undefined> {
    return this.clients.find(clientId);
  }

  /** SHA-256 digest compared with timingSafeEqual, never a password hash; false for an expired secret (RFC 6749 §2.3.1, RFC 7591 §3.2.1). */
  secretMatches(client: Client, presented: string): boolean {
    return client.secretDigest !== undefined && !secretExpired(client, this.clock.now()) && digestMatches(presented, client.secretDigest);
  }

  /** Looks the client up and verifies the assertion with its own keys or secret (RFC 7523 §3). */
  async verifyClientAssertion(assertion: string, clientId: string, expectation: ClientAssertionExpectation): Promise<Client> {
    const client = await this.clients.find(clientId);
    if (!client) throw OAuthErrors.invalidClient("client authentication failed");
    await this.assertions.verify(assertion, client, expectation);
    return client;
  }

  /** The client's keys from its registration, through the same cache as its assertions; unavailable keys are invalid_client. */
  async findClientKey(client: Client, matches: (key: JWK) => boolean): Promise<JWK | undefined> {
    try {
      return await this.keys.findKey(client, matches);
    } catch (error) {
      throw error instanceof SafeFetchError ? OAuthErrors.invalidClient("client keys unavailable", { cause: error }) : error;
    }
  }
}
