import { TokenValidationService, type ValidateTokenRequest, type ValidateTokenResponseSchema } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ActiveToken, TokenValidator } from "../../core/tokens/access-token.js";
import { InternalScopes } from "../../core/policy/scopes.js";
import { toActiveResponse, toInactiveResponse, toRevocationMessage, toSubscribedMessage, toTokenRequirements } from "./mappers/validation.mapper.js";
import { subscribeRevocations } from "./revocation-feed.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { defineRpc, type RpcService } from "./rpc-service.js";
import { unmetRequirement } from "../../core/tokens/token-requirements.js";

/** A ValidateToken response, with the active token it describes (the fast path caches its encoding per token). */
export interface ValidateTokenAnswer {
  init: MessageInitShape<typeof ValidateTokenResponseSchema>;
  token?: ActiveToken;
}

/** The ValidateToken answer: the active token, or inactive with the unmet requirement (RFC 6750 §3.1). */
export async function validateTokenAnswer(validator: TokenValidator, request: ValidateTokenRequest): Promise<ValidateTokenAnswer> {
  const token = await validator.validateAccessToken(request.token);
  if (!token) return { init: toInactiveResponse("invalid_token") };
  const unmet = unmetRequirement(token, toTokenRequirements(request));
  return unmet ? { init: toInactiveResponse(unmet) } : { init: toActiveResponse(token), token };
}

/** TokenValidationService: the whole resource-server check in one call; inactive is an answer, not an error (RFC 6750 §3.1). */
export function tokenValidationRpc({ validator, bus }: Pick<InternalRpcDeps, "validator" | "bus">): RpcService {
  return defineRpc(
    TokenValidationService,
    { validateToken: InternalScopes.validate, watchRevocations: InternalScopes.validate },
    {
      validateToken: async (request) => (await validateTokenAnswer(validator, request)).init,

      async *watchRevocations(_request, context) {
        const events = subscribeRevocations(bus, context.signal);
        yield toSubscribedMessage();
        for await (const event of events) yield toRevocationMessage(event);
      },
    },
  );
}
