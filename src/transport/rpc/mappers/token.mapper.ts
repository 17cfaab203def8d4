import type { MessageInitShape } from "@bufbuild/protobuf";
import type { IssuedAccessToken } from "../../../core/tokens/access-token.js";
import type { IntrospectionResponse } from "../../../core/tokens/introspection.service.js";
import type { IntrospectResponseSchema, MintRequest, MintResponseSchema } from "../../../../gen/portcullis/token/v1/token_pb.js";
import { toInt64, toJsonObject } from "./json.mapper.js";

/** A Mint request in domain form; `ttl` is 0 when the caller wants the configured default. */
export interface MintInput {
  clientId: string;
  subject: string;
  scopes: string[];
  audiences: string[];
  ttl: number;
  extraClaims: Record<string, unknown>;
}

/** Reads a Mint request (int64 TTL as a number; an absent Struct as no claims). */
export function toMintInput(request: MintRequest): MintInput {
  return {
    clientId: request.clientId,
    subject: request.subject,
    scopes: request.scopes,
    audiences: request.audiences,
    ttl: Number(request.ttlSeconds),
    extraClaims: request.extraClaims ?? {},
  };
}

/** The minted token as a Mint answer (RFC 6749 §5.1 members plus `jti`). */
export function toMintResponse(issued: IssuedAccessToken): MessageInitShape<typeof MintResponseSchema> {
  return { accessToken: issued.token, tokenType: "Bearer", expiresIn: toInt64(issued.expiresIn), jti: issued.claims.jti };
}

/** The IntrospectResponse fields that are RFC 7662 §2.2 members of their own; every other member goes to `extra_members`. */
const FIELD_MEMBERS: ReadonlySet<string> = new Set(["active", "scope", "client_id", "sub", "aud", "exp", "iat", "jti", "token_type", "iss"]);

/** IntrospectionService's answer as an IntrospectResponse, member for member (RFC 7662 §2.2). */
export function toIntrospectResponse(answer: IntrospectionResponse): MessageInitShape<typeof IntrospectResponseSchema> {
  if (!answer.active) return { active: false };
  const extra = Object.entries(answer).filter(([name]) => !FIELD_MEMBERS.has(name));
  return {
    active: true,
    scope: answer.scope,
    clientId: answer.client_id,
    sub: answer.sub,
    aud: answer.aud === undefined ? [] : [answer.aud].flat(),
    exp: toInt64(answer.exp),
    iat: toInt64(answer.iat),
    jti: answer.jti,
    tokenType: answer.token_type,
    iss: answer.iss,
    extraMembers: extra.length > 0 ? toJsonObject(Object.fromEntries(extra)) : undefined,
  };
}
