import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RevocationEvent } from "../../../core/ports/ephemeral-store.js";
import type { ActiveToken } from "../../../core/tokens/access-token.js";
import type {
  ValidateTokenRequest,
  ValidateTokenResponseSchema,
  WatchRevocationsResponseSchema,
} from "../../../../gen/portcullis/validation/v1/validation_pb.js";
import type { TokenRequirements } from "../../../core/tokens/token-requirements.js";
import { toInt64, toJsonObject } from "./json.mapper.js";

type ValidateTokenResponseInit = MessageInitShape<typeof ValidateTokenResponseSchema>;
type WatchRevocationsResponseInit = MessageInitShape<typeof WatchRevocationsResponseSchema>;

/** The resource's requirements from a ValidateToken request; empty strings mean "not given". */
export function toTokenRequirements(request: ValidateTokenRequest): TokenRequirements {
  return {
    requiredScopes: request.requiredScopes,
    requiredAudience: request.requiredAudience || undefined,
    certificateThumbprint: request.clientCertificateThumbprint || undefined,
  };
}

/** An inactive answer: no token facts, only the RFC 6750 §3.1 error code to return. */
export function toInactiveResponse(failure: string): ValidateTokenResponseInit {
  return { active: false, failure };
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
