import { Code, ConnectError } from "@connectrpc/connect";
import { findToken } from "../../core/tokens/find-token.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { TokenService } from "../../../gen/portcullis/token/v1/token_pb.js";
import { InternalScopes } from "../../core/policy/scopes.js";
import { toIntrospectResponse, toMintInput, toMintResponse } from "./mappers/token.mapper.js";
import { assertMintable } from "./mint-policy.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { defineRpc, type RpcService } from "./rpc-service.js";

/** The grant type recorded on tokens minted over RPC (no RFC grant applies: a trusted internal caller asked). */
const MINT_GRANT_TYPE = "urn:portcullis:grant-type:rpc-mint";

/** TokenService: Mint for internal callers, Introspect (RFC 7662) and Revoke (RFC 7009) for any issued token. */
export function tokenRpc({ config, validator, revoker, minter, clients }: Pick<InternalRpcDeps, "config" | "validator" | "revoker" | "minter" | "clients">): RpcService {
  return defineRpc(
    TokenService,
    { mint: InternalScopes.mint, introspect: InternalScopes.tokens, revoke: InternalScopes.tokens },
    {
      async mint(request) {
        const input = toMintInput(request);
        if (!input.clientId) throw OAuthErrors.invalidRequest("client_id is required");
        const client = await clients.get(input.clientId);
        if (!client) throw new ConnectError("client not found", Code.NotFound);
        assertMintable(client, input);
        const issued = await minter.mint({
          client,
          grantType: MINT_GRANT_TYPE,
          subject: input.subject || client.clientId,
          scopes: input.scopes,
          audiences: input.audiences,
          extraClaims: input.extraClaims,
          ttl: input.ttl || config.accessTokenTtl,
          format: "jwt",
        });
        return toMintResponse(issued);
      },

      async introspect(request) {
        if (!request.token) throw OAuthErrors.invalidRequest("token is required");
        return toIntrospectResponse(await findToken(validator, request.token, request.tokenTypeHint), config.issuer);
      },

      /** Core's revocation rule without the ownership check (trusted caller); unknown tokens are not an error (RFC 7009 §2.2). */
      async revoke(request) {
        if (!request.token) throw OAuthErrors.invalidRequest("token is required");
        await revoker.revoke(request.token, request.tokenTypeHint || undefined);
        return {};
      },
    },
  );
}
