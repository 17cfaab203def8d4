import { TokenValidationService, type ValidateTokenRequest, type ValidateTokenResponseSchema } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ActiveToken } from "../../core/tokens/access-token.js";
import { isResourceProofFailure, needsDpopCheck } from "../../core/pop/dpop/dpop-resource-proof.js";
import { InternalScopes } from "../../core/policy/scopes.js";
import { toActiveResponse, toInactiveResponse, toPresentedToken, toRevocationMessage, toSubscribedMessage, toTokenRequirements } from "./mappers/validation.mapper.js";
import { subscribeRevocations } from "./revocation-feed.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { defineRpc, type RpcService } from "./rpc-service.js";
import { unmetRequirement } from "../../core/tokens/token-requirements.js";

/** A ValidateToken answer: the active token (mapped by `toActiveResponse`; the fast path caches its encoding per token) or the inactive response. */
export type ValidateTokenAnswer = { token: ActiveToken } | { inactive: MessageInitShape<typeof ValidateTokenResponseSchema> };

/**
 * The ValidateToken answer: the active token, or inactive with the unmet requirement (RFC 6750 §3.1) or the refused DPoP
 * proof (RFC 9449 §7.1, with the nonce of §9); the /userinfo rules, the same verifier and replay cache. A bearer token
 * without `cnf.jkt` skips the DPoP check entirely (DESIGN "Hot paths").
 */
export async function validateTokenAnswer({ validator, dpop }: Pick<InternalRpcDeps, "validator" | "dpop">, request: ValidateTokenRequest): Promise<ValidateTokenAnswer> {
  const token = await validator.validateAccessToken(request.token);
  if (!token) return { inactive: toInactiveResponse("invalid_token") };
  const proof = needsDpopCheck(token, request.dpopProof === undefined ? "bearer" : "dpop") ? await dpop.check(token, toPresentedToken(request)) : undefined;
  if (proof && isResourceProofFailure(proof)) return { inactive: toInactiveResponse(proof.error, proof.nonce) };
  const unmet = unmetRequirement(token, toTokenRequirements(request, proof?.dpopKey));
  return unmet ? { inactive: toInactiveResponse(unmet) } : { token };
}

/** TokenValidationService: the whole resource-server check in one call; inactive is an answer, not an error (RFC 6750 §3.1). */
export function tokenValidationRpc({ validator, dpop, bus }: Pick<InternalRpcDeps, "validator" | "dpop" | "bus">): RpcService {
  return defineRpc(
    TokenValidationService,
    { validateToken: InternalScopes.validate, watchRevocations: InternalScopes.validate },
    {
      validateToken: async (request) => {
        const answer = await validateTokenAnswer({ validator, dpop }, request);
        return "token" in answer ? toActiveResponse(answer.token) : answer.inactive;
      },

      async *watchRevocations(_request, context) {
        const events = subscribeRevocations(bus, context.signal);
        yield toSubscribedMessage();
        for await (const event of events) yield toRevocationMessage(event);
      },
    },
  );
}
