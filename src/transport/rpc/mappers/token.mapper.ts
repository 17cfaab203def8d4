import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ActiveToken, IssuedAccessToken } from "../../../core/tokens/access-token.js";
import type { IntrospectResponseSchema, MintRequest, MintResponseSchema } from "../../../../gen/portcullis/token/v1/token_pb.js";
import { toInt64 } from "./json.mapper.js";

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

/** An RFC 7662 §2.2 answer: only `active: false` for an inactive token; refresh tokens say so in `token_type`. */
export function toIntrospectResponse(token: ActiveToken | undefined, issuer: string): MessageInitShape<typeof IntrospectResponseSchema> {
  if (!token) return { active: false };
  return {
    active: true,
    scope: token.scopes.join(" "),
    clientId: token.clientId,
    sub: token.subject,
    aud: token.audiences,
    exp: toInt64(token.expiresAt),
    iat: toInt64(token.issuedAt),
    jti: token.jti,
    tokenType: token.kind === "refresh_token" ? "refresh_token" : token.tokenType,
    iss: issuer,
  };
}
