import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import type { Client } from "../../../plugin-sdk/client.js";
import { OAuthErrors } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { asJsonObject } from "../../../core/clients/client-metadata.schema.js";
import type { ClientRegistry, RegisteredClient } from "../../../core/clients/client-registry.js";
import { lacksClientSecret } from "../../../core/clients/client-registry.service.js";
import { DI } from "../../../core/di-tokens.js";
import { digestMatches } from "../../../core/security/digest.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";
import { bearerToken, invalidBearerToken } from "./bearer-token.js";

/**
 * GET, PUT and DELETE /register/<client_id> (RFC 7592 §2), authorized by the client's registration access token.
 * Only its digest is stored, so every read or update rotates it and returns the new one (RFC 7592 §3).
 */
@injectable()
export class RegisterManagementEndpoint implements HttpEndpoint {
  readonly path = "/register/*";
  readonly methods = ["GET", "PUT", "DELETE"] as const;
  readonly body = { PUT: "json" } as const;
  private readonly prefix: string;

  constructor(
    @inject(DI.Config) config: Config,
    @inject(DI.ClientRegistry) private readonly registry: ClientRegistry,
  ) {
    this.prefix = `${new URL(config.issuer).pathname.replace(/\/$/, "")}/register/`;
  }

  async handle(request: EndpointRequest & { json?: unknown }): Promise<EndpointResponse> {
    const client = await this.authorize(request);
    if (request.method === "DELETE") {
      await this.registry.delete(client.clientId, "dynamic");
      return { status: 204, headers: noStore };
    }
    const updated = request.method === "PUT" ? await this.update(client, request.json) : {};
    const rotated = await this.registry.rotateRegistrationToken(client.clientId);
    return { status: 200, headers: noStore, body: this.registry.toResponse({ ...rotated, ...updated }) };
  }

  /** The client named by the path whose registration access token was presented; 401 otherwise, also for unknown clients (§2.1). */
  private async authorize(request: EndpointRequest): Promise<Client> {
    const token = bearerToken(request);
    if (token === undefined) throw invalidBearerToken("a registration access token is required");
    const clientId = this.clientIdOf(request.url);
    const client = clientId === undefined ? undefined : await this.registry.get(clientId);
    if (!client?.registrationTokenDigest || !digestMatches(token, client.registrationTokenDigest)) {
      throw invalidBearerToken("the registration access token is not valid for this client");
    }
    return client;
  }

  private clientIdOf(url: string): string | undefined {
    const path = new URL(url).pathname;
    const encoded = path.startsWith(this.prefix) ? path.slice(this.prefix.length) : "";
    if (encoded === "" || encoded.includes("/")) return undefined;
    try {
      return decodeURIComponent(encoded);
    } catch {
      return undefined;
    }
  }

  /** Replaces the metadata (§2.2): client_id must match and a client_secret, when sent, must be the current one. */
  private async update(client: Client, body: unknown): Promise<Pick<RegisteredClient, "clientSecret">> {
    const metadata = asJsonObject(body);
    if (metadata.client_id !== client.clientId) throw OAuthErrors.invalidClientMetadata("client_id must be the registered client_id");
    const secret = metadata.client_secret;
    if (secret !== undefined && !(typeof secret === "string" && client.secretDigest && digestMatches(secret, client.secretDigest))) {
      throw OAuthErrors.invalidClientMetadata("client_secret does not match the issued client secret");
    }
    const updated = await this.registry.update(client.clientId, metadata, "dynamic");
    return lacksClientSecret(updated) ? { clientSecret: (await this.registry.rotateSecret(client.clientId, "dynamic")).clientSecret } : {};
  }
}
