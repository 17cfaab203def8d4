import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RevocationEvent } from "../../../core/ports/ephemeral-store.js";
import type { ActiveToken } from "../../../core/tokens/access-token.js";
import type {
  ValidateTokenRequest,
  ValidateTokenResponseSchema,
  WatchRevocationsResponseSchema,
} from "../../../../gen/portcullis/validation/v1/validation_pb.js";
import type { TokenRequirements } from "../../../core/tokens/token-requirements.js";
import type { PresentedToken } from "../../../core/pop/dpop/dpop-resource-proof.js";
import { toInt64, toJsonObject } from "./json.mapper.js";

type ValidateTokenResponseInit = MessageInitShape<typeof ValidateTokenResponseSchema>;
type WatchRevocationsResponseInit = MessageInitShape<typeof WatchRevocationsResponseSchema>;

/** The resource's requirements from a ValidateToken request and the verified DPoP key, if any; empty strings mean "not given". */
export function toTokenRequirements(request: ValidateTokenRequest, dpopKey?: string): TokenRequirements {
  return {
    requiredScopes: request.requiredScopes,
    requiredAudience: request.requiredAudience || undefined,
    certificateThumbprint: request.clientCertificateThumbprint || undefined,
    dpopKey,
  };
}

/** How the resource's request presented the token: the DPoP scheme exactly when it forwards a proof (RFC 9449 §7.1). */
export function toPresentedToken(request: ValidateTokenRequest): PresentedToken {
  const proof = request.dpopProof;
  return { scheme: proof === undefined ? "bearer" : "dpop", token: request.token, proofs: proof === undefined ? [] : [proof], method: request.httpMethod, url: request.httpUrl };
}

/** An inactive answer: no token facts, only the error code to return (RFC 6750 §3.1, RFC 9449 §7.1) and a DPoP nonce (§9). */
export function toInactiveResponse(failure: string, dpopNonce?: string): ValidateTokenResponseInit {
  return dpopNonce === undefined ? { active: false, failure } : { active: false, failure, dpopNonce };
}

/** An active token as the ValidateToken answer (RFC 9068 §2.2 claims, RFC 7800 confirmation). */
export function toActiveResponse(token: ActiveToken): ValidateTokenResponseInit {
  const cnf = token.claims.cnf;
  return {
    active: true,
    subject: token.subject,
    clientId: token.clientId,
    scopes: token.scopes,
    audiences: token.audiences,
    expiresAt: toInt64(token.expiresAt),
    issuedAt: toInt64(token.issuedAt),
    jti: token.jti,
    tokenType: token.tokenType,
    claims: toJsonObject(token.claims),
    confirmation: cnf && { jkt: cnf.jkt ?? "", x5tS256: cnf["x5t#S256"] ?? "" },
  };
}

/** The first stream message: the subscription is live (events before it are not replayed). */
export function toSubscribedMessage(): WatchRevocationsResponseInit {
  return { subscribed: true };
}

/** A revocation event as a WatchRevocations message. */
export function toRevocationMessage(event: RevocationEvent): WatchRevocationsResponseInit {
  return { kind: event.kind, id: event.id, revokedAtMs: toInt64(event.revokedAt) };
}
