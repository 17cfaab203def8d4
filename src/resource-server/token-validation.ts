import type { JsonObject } from "@bufbuild/protobuf";
import type { ValidateTokenResponse } from "../../gen/portcullis/validation/v1/validation_pb.js";
import type { TokenScheme } from "./authorization-header.js";

/** Proof-of-possession confirmation of a token (RFC 7800 §3.1): DPoP key (RFC 9449 §6.1) or certificate (RFC 8705 §3.1). */
export interface TokenConfirmation {
  jkt?: string;
  x5tS256?: string;
}

/** An access token ValidateToken found active and meeting every requirement of the request (RFC 9068 §2.2 claims). */
export interface ValidatedToken {
  subject: string;
  clientId: string;
  scopes: readonly string[];
  audiences: readonly string[];
  /** Epoch seconds (RFC 7519 §4.1.4 `exp`). */
  expiresAt: number;
  /** Epoch seconds (RFC 7519 §4.1.6 `iat`). */
  issuedAt: number;
  jti: string;
  /** `Bearer` or `DPoP` (RFC 9449 §7.1). */
  tokenType: string;
  claims: JsonObject;
  confirmation?: TokenConfirmation;
}

/**
 * Why a request may not use the resource. `error` is an RFC 6750 §3.1 / RFC 9449 §7.1 error code, absent when the
 * request carried no token at all (RFC 6750 §3.1: no error code then), or `temporarily_unavailable` (RFC 6749
 * §4.1.2.1) when Portcullis could not be asked: the request is refused, the client is not at fault.
 */
export interface TokenFailure {
  active: false;
  error?: string;
  description?: string;
  /** The scheme of the challenge to answer with: the one the request used, `Bearer` when it used none. */
  scheme: TokenScheme;
  /** The scopes the resource requires, for an `insufficient_scope` challenge (RFC 6750 §3). */
  requiredScopes: readonly string[];
  /** A nonce the client must put in its next DPoP proof (RFC 9449 §9). */
  dpopNonce?: string;
  /** Why Portcullis could not be asked (for logs; never sent to the client). */
  cause?: unknown;
}

/** The outcome of validating a request's access token (RFC 6750 §3.1): the token, or why it may not be used. */
export type TokenValidation = { active: true; token: ValidatedToken } | TokenFailure;

/** The ValidateToken answer of an active token as the library's ValidatedToken (epoch seconds as numbers). */
export function toValidatedToken(response: ValidateTokenResponse): ValidatedToken {
  const confirmation = response.confirmation && {
    ...(response.confirmation.jkt ? { jkt: response.confirmation.jkt } : {}),
    ...(response.confirmation.x5tS256 ? { x5tS256: response.confirmation.x5tS256 } : {}),
  };
  return {
    subject: response.subject,
    clientId: response.clientId,
    scopes: response.scopes,
    audiences: response.audiences,
    expiresAt: Number(response.expiresAt),
    issuedAt: Number(response.issuedAt),
    jti: response.jti,
    tokenType: response.tokenType,
    claims: response.claims ?? {},
    ...(confirmation ? { confirmation } : {}),
  };
}
