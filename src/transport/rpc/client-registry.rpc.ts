import { Code, ConnectError } from "@connectrpc/connect";
import type { RegisteredClient } from "../../core/clients/client-registry.js";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { ClientRegistryService } from "../../../gen/portcullis/client/v1/client_pb.js";
import { InternalScopes } from "../../core/policy/scopes.js";
import { fromPageToken, toClientMessage, toClientMetadata, toPageToken } from "./mappers/client.mapper.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { defineRpc, type RpcService } from "./rpc-service.js";

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

/** ClientRegistryService: operator registration with RFC 7591 / RFC 7592 semantics (source "operator"). */
export function clientRegistryRpc({ clients }: Pick<InternalRpcDeps, "clients">): RpcService {
  const message = (registered: RegisteredClient) => toClientMessage(registered, clients.toResponse(registered));
  const existing = async (clientId: string): Promise<Client> => {
    const client = clientId ? await clients.get(clientId) : undefined;
    if (!client) throw new ConnectError("client not found", Code.NotFound);
    return client;
  };
  return defineRpc(
    ClientRegistryService,
    {
      createClient: InternalScopes.clientsWrite,
      getClient: InternalScopes.clientsRead,
      updateClient: InternalScopes.clientsWrite,
      deleteClient: InternalScopes.clientsWrite,
      listClients: InternalScopes.clientsRead,
      rotateClientSecret: InternalScopes.clientsWrite,
    },
    {
      async createClient(request) {
        return { client: message(await clients.register(toClientMetadata(request.metadata), "operator")) };
      },

      async getClient(request) {
        return { client: message({ client: await existing(request.clientId) }) };
      },

      async updateClient(request) {
        await existing(request.clientId);
        return { client: message({ client: await clients.update(request.clientId, toClientMetadata(request.metadata), "operator") }) };
      },

      async deleteClient(request) {
        if (!request.clientId || !(await clients.delete(request.clientId, "operator"))) throw new ConnectError("client not found", Code.NotFound);
        return {};
      },

      /** Pages are ordered by client id; a page size above the maximum is lowered to it (AIP-158). */
      async listClients(request) {
        if (request.pageSize < 0) throw OAuthErrors.invalidRequest("page_size must not be negative");
        const limit = Math.min(request.pageSize || DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        const page = await clients.list({ limit: limit + 1, after: fromPageToken(request.pageToken) });
        const more = page.length > limit;
        const shown = page.slice(0, limit);
        return { clients: shown.map((client) => message({ client })), nextPageToken: more ? toPageToken(shown.at(-1)!.clientId) : "" };
      },

      async rotateClientSecret(request) {
        await existing(request.clientId);
        return { client: message(await clients.rotateSecret(request.clientId, "operator")) };
      },
    },
  );
}
