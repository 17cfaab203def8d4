import { Code, ConnectError } from "@connectrpc/connect";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { TokenService } from "../../../gen/portcullis/token/v1/token_pb.js";
import { InternalScopes } from "../../core/policy/scopes.js";
import { internalCaller } from "./internal-caller.js";
import { toIntrospectResponse, toMintInput, toMintResponse } from "./mappers/token.mapper.js";
import { assertMintable } from "./mint-policy.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { defineRpc, type RpcService } from "./rpc-service.js";

/** The grant type recorded on tokens minted over RPC (no RFC grant applies: a trusted internal caller asked). */
const MINT_GRANT_TYPE = "urn:portcullis:grant-type:rpc-mint";

/** TokenService: Mint for internal callers, Introspect (RFC 7662) and Revoke (RFC 7009) for any issued token. */
export function tokenRpc({ issuer, introspection, revoker, clients }: Pick<InternalRpcDeps, "issuer" | "introspection" | "revoker" | "clients">): RpcService {
  return defineRpc(
    TokenService,
    { mint: InternalScopes.mint, introspect: InternalScopes.tokens, revoke: InternalScopes.tokens },
    {
      /**
       * An access token only (no refresh or ID token), minted by TokenIssuer as at /token (RFC 9068 §2): the client's
       * token customizers run, and reserved and authentication claims in `extra_claims` are stripped. Always a JWT.
       */
      async mint(request) {
        const input = toMintInput(request);
        if (!input.clientId) throw OAuthErrors.invalidRequest("client_id is required");
        const client = await clients.get(input.clientId);
        if (!client) throw new ConnectError("client not found", Code.NotFound);
        assertMintable(client, input);
        const decision = { subject: input.subject || undefined, access: { scopes: input.scopes, resources: input.audiences }, claims: input.extraClaims };
        const issued = await issuer.issue(client, MINT_GRANT_TYPE, decision, { format: "jwt", ttl: input.ttl || undefined });
        return toMintResponse(issued.accessToken);
      },

      /** The answer HTTP /introspect gives (RFC 7662 §2.2), to an internal caller holding InternalScopes.tokens. */
      async introspect(request, context) {
        if (!request.token) throw OAuthErrors.invalidRequest("token is required");
        const caller = await internalCaller(context, clients);
        return toIntrospectResponse(await introspection.introspect(request.token, request.tokenTypeHint || undefined, caller));
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
