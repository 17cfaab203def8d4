import type { IssuedTokenFacts } from "./capabilities.js";
import type { Client } from "./client.js";

/** The token-exchange grant type (RFC 8693 §2.1). */
export const TOKEN_EXCHANGE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

/** Token type identifiers (RFC 8693 §3) of the tokens Portcullis can exchange or issue. */
export const TokenTypes = Object.freeze({
  accessToken: "urn:ietf:params:oauth:token-type:access_token",
  refreshToken: "urn:ietf:params:oauth:token-type:refresh_token",
  idToken: "urn:ietf:params:oauth:token-type:id_token",
  jwt: "urn:ietf:params:oauth:token-type:jwt",
} as const);

/** The `act` claim (RFC 8693 §4.1): the current actor, with prior actors nested in `act`. Core writes it; nobody else can. */
export interface ActorClaim {
  readonly sub: string;
  readonly iss?: string;
  readonly client_id?: string;
  readonly act?: ActorClaim;
}

/** The longest delegation chain an `act` claim may record (RFC 8693 §4.1 nesting); longer ones are refused. */
export const MAX_ACTOR_CHAIN = 10;

/**
 * `value` as an ActorClaim holding only its identity members (sub, iss, client_id, act; RFC 8693 §4.1: other claims are
 * meaningless there), or undefined when it is not one or nests deeper than MAX_ACTOR_CHAIN.
 */
export function actorClaimOf(value: unknown, depth = 1): ActorClaim | undefined {
  if (depth > MAX_ACTOR_CHAIN || typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { sub, iss, client_id: clientId, act } = value as Record<string, unknown>;
  if (typeof sub !== "string" || sub === "" || [iss, clientId].some((v) => v !== undefined && typeof v !== "string")) return undefined;
  const prior = act === undefined ? undefined : actorClaimOf(act, depth + 1);
  if (act !== undefined && prior === undefined) return undefined;
  return { sub, ...(iss !== undefined && { iss: iss as string }), ...(clientId !== undefined && { client_id: clientId as string }), ...(prior && { act: prior }) };
}

/** A subject or actor token presented for exchange, after its signature, expiry and revocation were checked (RFC 8693 §2.1). */
export interface ExchangedToken {
  /** Its RFC 8693 §3 type identifier, as the client declared and the check confirmed. */
  readonly type: string;
  readonly issuer: string;
  readonly subject: string;
  /** The client it was issued to, when known. */
  readonly clientId?: string;
  readonly scopes: readonly string[];
  readonly audiences: readonly string[];
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** Proof-of-possession binding (RFC 7800 §3.1: `jkt`, `x5t#S256`). */
  readonly confirmation?: Readonly<Record<string, string>>;
  readonly claims: Readonly<Record<string, unknown>>;
  /** Core's facts when this server issued it; `GrantDecision.derivedFrom` takes them. */
  readonly issued?: IssuedTokenFacts;
}

/** What a token-exchange policy is asked (RFC 8693 §2.1): who exchanges what, for whom, toward which audience. */
export interface TokenExchangeQuery {
  readonly client: Client;
  readonly subjectToken: ExchangedToken;
  /** Present for delegation (RFC 8693 §1.1); absent for impersonation. */
  readonly actorToken?: ExchangedToken;
  /** The RFC 8693 §3 type the client asked for (access token when it did not ask). */
  readonly requestedTokenType: string;
  /** The scopes the issued token would carry, already narrowed to the subject token's. */
  readonly scopes: readonly string[];
  /** Every audience the issued token would carry (from `audience` and `resource`, or inferred); the issuer when none. */
  readonly audiences: readonly string[];
  /** Whether a refresh token would be issued with it. */
  readonly refreshToken: boolean;
}

/** A policy's yes, with what it allows beyond the defaults. */
export interface TokenExchangePermit {
  /** The issued token may be less sender-constrained than a DPoP- or certificate-bound presented token (RFC 9449 §6, RFC 8705 §3); default no. */
  readonly releaseSenderConstraint?: boolean;
}

/**
 * Decides token exchanges (RFC 8693 §5: the authorization server decides who may exchange what). Every enabled policy
 * must permit; none enabled refuses everything.
 */
export interface TokenExchangePolicy {
  readonly id: string;
  /**
   * Permits `query` or throws: unauthorized_client for a client that may not exchange at all, invalid_request for an
   * unacceptable subject or actor token, invalid_target for an audience, invalid_scope for a scope (RFC 8693 §2.2.2).
   */
  evaluate(query: TokenExchangeQuery): Promise<TokenExchangePermit>;
}

/** Every enabled token-exchange policy as one (PluginTokens.TokenExchangePolicies): all must permit, and a permit's extras only when all grant them. */
export interface TokenExchangePolicies {
  /** Throws the first refusal (RFC 8693 §2.2.2); unauthorized_client when no policy is enabled. */
  evaluate(query: TokenExchangeQuery): Promise<TokenExchangePermit>;
}
