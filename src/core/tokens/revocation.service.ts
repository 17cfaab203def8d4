import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { ChangeFeed } from "../changes/change-feed.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { EphemeralStore, RevocationBus } from "../ports/ephemeral-store.js";
import type { DurableStorage } from "../ports/repositories.js";
import { AuditRecorderToken, type AuditRecorder } from "../audit/audit-trail.js";
import { MAX_ACCESS_TOKEN_TTL, type ActiveToken, type RevocationReason, type RevocationService } from "./access-token.js";
import { opaqueTokenKey } from "./jwt-access-token.minter.js";

/** Revocation-index key of one access token. */
export function revokedTokenKey(jti: string): string {
  return `rev:jti:${jti}`;
}

/** Revocation-index key of every access token of a grant. */
export function revokedGrantKey(grantId: string): string {
  return `rev:gid:${grantId}`;
}

/**
 * Revokes through the EphemeralStore revocation index, which every validation consults, and announces it on the
 * RevocationBus so caches drop the token at once (RFC 7009 §2.1). Index entries live as long as the tokens they name.
 * Changes committed by any process reach this node's index and listeners through the change feed, every node for
 * itself: a changed or deleted client, and grants an operator revoked in bulk (the CLI's ephemeral store may not be
 * this node's, so each node indexes them; with a shared store the extra writes are idempotent).
 */
@injectable()
export class RevocationServiceImpl implements RevocationService {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Durable) private readonly durable: DurableStorage,
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.RevocationBus) private readonly bus: RevocationBus,
    @inject(AuditRecorderToken) private readonly audit: AuditRecorder,
    @inject(ChangeFeed) changes: ChangeFeed,
  ) {
    changes.on("client", (ids) => {
      if (ids !== "all") for (const id of ids) this.bus.deliverLocally({ kind: "client", id, revokedAt: this.clock.now() });
    });
    changes.on("grant-revoked", (ids) => (ids === "all" ? undefined : this.#indexRevokedGrants(ids)));
  }

  /** Revokes one access token; an opaque token's record is deleted too. */
  async revokeAccessToken(token: ActiveToken, reason: RevocationReason): Promise<void> {
    if (token.digest !== undefined) await this.store.delete(opaqueTokenKey(token.digest));
    await this.revokeJti(token.jti, token.expiresAt, reason);
  }

  /** Indexes the jti until the token's exp (epoch seconds) plus clock tolerance and announces it. */
  async revokeJti(jti: string, expiresAt: number, reason: RevocationReason): Promise<void> {
    const now = this.clock.now();
    const ttlMs = Math.max(1000, (expiresAt + this.config.clockTolerance) * 1000 - now);
    await this.store.put(revokedTokenKey(jti), "1", ttlMs);
    await this.bus.publish({ kind: "token", id: jti, revokedAt: now });
    this.audit.record({ type: "token.revoked", tokenType: "access_token", jti, ...reason });
  }

  /**
   * Revokes the grant's refresh tokens and indexes its id for the longest access-token lifetime, which covers every
   * token it issued; the grants derived from it by token exchange (RFC 8693) go with it.
   */
  async revokeGrant(grantId: string, reason: RevocationReason): Promise<void> {
    const now = this.clock.now();
    const [revoked] = await Promise.all([this.durable.grants.revokeGrant(grantId, now), this.#indexGrant(grantId)]);
    const derived = revoked.filter((id) => id !== grantId);
    await Promise.all(derived.map((id) => this.#indexGrant(id)));
    for (const id of [grantId, ...derived]) await this.bus.publish({ kind: "grant", id, revokedAt: now });
    this.audit.record({ type: "token.revoked", tokenType: "refresh_token", grantId, ...reason });
    for (const id of derived) this.audit.record({ type: "token.revoked", tokenType: "refresh_token", grantId: id, cause: "parent_grant" });
  }

  #indexGrant(grantId: string): Promise<void> {
    return this.store.put(revokedGrantKey(grantId), "1", (MAX_ACCESS_TOKEN_TTL + this.config.clockTolerance) * 1000);
  }

  /** Grants revoked in storage in bulk (`grants.revokeForUser`), by this or another process: indexed and announced here. */
  async #indexRevokedGrants(grantIds: readonly string[]): Promise<void> {
    await Promise.all(grantIds.map((grantId) => this.#indexGrant(grantId)));
    for (const grantId of grantIds) this.bus.deliverLocally({ kind: "grant", id: grantId, revokedAt: this.clock.now() });
  }
}
