/** Where an operator-visible change came from: the operator (CLI, gRPC registry) or a client itself (RFC 7591/7592 dynamic registration). */
export type AuditSource = "operator" | "dynamic";

/** Members every audit event carries. */
interface AuditBase {
  /** When core recorded it (ISO 8601, UTC). */
  readonly at: string;
  /** The `X-Request-Id` (or gRPC `x-request-id`) of the request that caused it; absent outside a request (e.g. the CLI, timers). */
  readonly requestId?: string;
}

/**
 * What core reports to audit sinks (ExtensionPoints.auditSinks): security-relevant facts, never a secret — no password,
 * token, code or client secret, only identifiers (`jti`, grant id, client id, user id).
 */
/**
 * Why something was revoked: a revocation `request` (RFC 7009, gRPC Revoke), a reused authorization code or refresh
 * token (RFC 6749 §4.1.2, RFC 9700 §4.14.2), tokens `undelivered` because storage failed mid-issuance, a `plugin`'s
 * decision, or a `parent_grant` revoked with its derived (token-exchange) grants.
 */
export type RevocationCause = "request" | "code_reuse" | "refresh_token_reuse" | "undelivered" | "plugin" | "parent_grant";

export type AuditEvent = AuditBase &
  (
    | { readonly type: "sign-in.succeeded"; readonly userId: string; readonly methods: readonly string[]; readonly remoteAddress: string }
    /** `username` is what was typed at a first step (may be unknown); `userId` is known at a second step. */
    | { readonly type: "sign-in.failed"; readonly method: string; readonly reason: "invalid" | "throttled"; readonly username?: string; readonly userId?: string; readonly remoteAddress: string }
    | { readonly type: "token.issued"; readonly clientId: string; readonly grantType: string; readonly subject: string; readonly jti: string; readonly scopes: readonly string[]; readonly refreshToken: boolean; readonly idToken: boolean }
    /**
     * One revoked access token (`jti`) or grant with its refresh tokens (`grantId`), with its cause; for a revocation
     * request (RFC 7009) `clientId` is the requesting client, absent for a trusted internal caller (gRPC Revoke).
     */
    | { readonly type: "token.revoked"; readonly tokenType: "access_token" | "refresh_token"; readonly cause: RevocationCause; readonly clientId?: string; readonly jti?: string; readonly grantId?: string }
    | { readonly type: "client.registered" | "client.updated" | "client.secret-rotated" | "client.deleted"; readonly clientId: string; readonly source: AuditSource }
    | { readonly type: "signing-key.rotated"; readonly alg: string; readonly kid: string }
    | { readonly type: "consent.granted"; readonly userId: string; readonly clientId: string; readonly scopes: readonly string[] }
    | { readonly type: "consent.revoked"; readonly userId: string; readonly clientId: string; readonly grantsRevoked: number }
    | { readonly type: "user.disabled"; readonly userId: string; readonly username: string }
  );

/**
 * Receives every audit event (a log file, a SIEM, a queue). Called after the action, off the request's path: it MUST
 * NOT assume the request waits for it; a rejection is logged and never fails the request.
 */
export interface AuditSink {
  readonly id: string;
  /** Records one event; MAY be slow (the caller does not wait), MUST NOT throw for an event type it does not know. */
  record(event: AuditEvent): Promise<void> | void;
}
