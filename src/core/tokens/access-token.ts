import type { RevocationCause } from "../../plugin-sdk/audit.js";
import type { Client } from "../../plugin-sdk/client.js";

/** The longest access-token lifetime (s): the minter caps every token at it, so revocation and key overlap can rely on it. */
export const MAX_ACCESS_TOKEN_TTL = 86_400;

/** Claims of a JWT access token (RFC 9068 §2.2); `gid` names the grant for grant-wide revocation. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope?: string;
  /** Portcullis: the grant this token belongs to (refresh-token flows), for grant-wide revocation (RFC 7009 §2.1). */
  gid?: string;
  /** Confirmation (RFC 9449 §6, RFC 8705 §3). */
  cnf?: { jkt?: string; "x5t#S256"?: string };
  [claim: string]: unknown;
}

export interface AccessTokenMintRequest {
  client: Client;
  grantType: string;
  subject: string;
  scopes: readonly string[];
  /** Audience values (resource identifiers); the issuer when empty. */
  audiences: readonly string[];
  grantId?: string;
  extraClaims?: Record<string, unknown>;
  /** Sender constraint set by core after verifying the proof (RFC 9449 §6, RFC 8705 §3); never from plugins. */
  confirmation?: AccessTokenClaims["cnf"];
  /** Lifetime in seconds (already resolved from client / resource / defaults). */
  ttl: number;
  format: "jwt" | "opaque";
}

export interface IssuedAccessToken {
  token: string;
  format: "jwt" | "opaque";
  /** Seconds. */
  expiresIn: number;
  claims: AccessTokenClaims;
}

/** Signs JWT access tokens or stores opaque ones (RFC 9068 §2). */
export interface AccessTokenMinter {
  mint(request: AccessTokenMintRequest): Promise<IssuedAccessToken>;
}

/** What an active token is (RFC 7662 §2.2 members, in domain form). */
export interface ActiveToken {
  kind: "access_token" | "refresh_token";
  format: "jwt" | "opaque";
  clientId: string;
  subject: string;
  scopes: string[];
  audiences: string[];
  /** Epoch seconds. */
  issuedAt: number;
  expiresAt: number;
  jti: string;
  grantId?: string;
  tokenType: "Bearer" | "DPoP";
  claims: AccessTokenClaims;
  /** Opaque tokens: SHA-256 digest of the value (its store key), so revocation can delete the record. */
  digest?: string;
}

/** Validates tokens this server issued: signature, expiry, revocation (RFC 6750 §3.1, RFC 9068 §4). */
export interface TokenValidator {
  /** The active access token, or undefined when invalid, expired, revoked or unknown. */
  validateAccessToken(token: string): Promise<ActiveToken | undefined>;
  /** The active refresh token, or undefined. */
  validateRefreshToken(token: string): Promise<ActiveToken | undefined>;
}

/** Why a token or grant is revoked, and for a client's request the client (the `token.revoked` audit event). */
export interface RevocationReason {
  cause: RevocationCause;
  clientId?: string;
}

/** Revokes tokens and grants, publishes the events (RFC 7009 §2.1) and records one `token.revoked` audit event per token or grant. */
export interface RevocationService {
  /** Revokes one access token until its expiry. */
  revokeAccessToken(token: ActiveToken, reason: RevocationReason): Promise<void>;
  /** Revokes one access token by jti until its expiry (epoch seconds), e.g. a reused code's token (RFC 6749 §4.1.2). */
  revokeJti(jti: string, expiresAt: number, reason: RevocationReason): Promise<void>;
  /** Revokes a grant: its refresh tokens and every access token carrying its `gid`, and the grants derived from it. */
  revokeGrant(grantId: string, reason: RevocationReason): Promise<void>;
}
