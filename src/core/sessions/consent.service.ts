import { inject, injectable } from "tsyringe";
import { AuditRecorderToken, type AuditRecorder } from "../audit/audit-trail.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import type { Consent } from "./session.js";

/**
 * Remembered consent per user and client (OIDC Core §3.1.2.4): approving more scopes widens the stored set; revoking
 * it also revokes the user's grants for the client, so their refresh and access tokens stop working (RFC 7009 §2.1):
 * the change log carries the revocation to every node's index before `revoke` returns.
 */
@injectable()
export class ConsentService {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(AuditRecorderToken) private readonly audit: AuditRecorder,
  ) {}

  /** True when the user has consented to every one of `scopes` for the client (false when no consent is stored). */
  async covers(userId: string, clientId: string, scopes: readonly string[]): Promise<boolean> {
    const consent = await this.storage.consents.find(userId, clientId);
    if (!consent) return false;
    const granted = new Set(consent.scopes);
    return scopes.every((scope) => granted.has(scope));
  }

  /** Adds `scopes` to the user's consent for the client (the union with what was stored). */
  async remember(userId: string, clientId: string, scopes: readonly string[]): Promise<Consent> {
    const stored = await this.storage.consents.find(userId, clientId);
    const consent: Consent = { userId, clientId, scopes: [...new Set([...(stored?.scopes ?? []), ...scopes])], grantedAt: this.clock.now() };
    await this.storage.consents.put(consent);
    this.audit.record({ type: "consent.granted", userId, clientId, scopes: [...scopes] });
    return consent;
  }

  /** Deletes the consent and revokes the user's grants for the client with their tokens; what was removed. */
  async revoke(userId: string, clientId: string): Promise<{ consentRemoved: boolean; grantsRevoked: number }> {
    const consentRemoved = await this.storage.consents.delete(userId, clientId);
    const grantIds = await this.storage.grants.revokeForUser(userId, this.clock.now(), clientId);
    if (consentRemoved || grantIds.length > 0) this.audit.record({ type: "consent.revoked", userId, clientId, grantsRevoked: grantIds.length });
    return { consentRemoved, grantsRevoked: grantIds.length };
  }

  /** The user's consents, by client id. */
  async list(userId: string): Promise<Consent[]> {
    return this.storage.consents.listByUser(userId);
  }
}
