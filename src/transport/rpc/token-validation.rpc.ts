import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { CallerScopes } from "./caller-scopes.js";
import { toActiveResponse, toInactiveResponse, toRevocationMessage, toSubscribedMessage, toTokenRequirements } from "./mappers/validation.mapper.js";
import { subscribeRevocations } from "./revocation-feed.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { defineRpc, type RpcService } from "./rpc-service.js";
import { unmetRequirement } from "./token-requirements.js";

/** TokenValidationService: the whole resource-server check in one call; inactive is an answer, not an error (RFC 6750 §3.1). */
export function tokenValidationRpc({ validator, bus }: Pick<InternalRpcDeps, "validator" | "bus">): RpcService {
  return defineRpc(
    TokenValidationService,
    { validateToken: CallerScopes.validate, watchRevocations: CallerScopes.validate },
    {
      async validateToken(request) {
        const token = await validator.validateAccessToken(request.token);
        if (!token) return toInactiveResponse("invalid_token");
        const unmet = unmetRequirement(token, toTokenRequirements(request));
        return unmet ? toInactiveResponse(unmet) : toActiveResponse(token);
      },

      async *watchRevocations(_request, context) {
        const events = subscribeRevocations(bus, context.signal);
        yield toSubscribedMessage();
        for await (const event of events) yield toRevocationMessage(event);
      },
    },
  );
}
