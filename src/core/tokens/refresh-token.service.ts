import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { AuthenticatedClient, Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { RefreshedGrant } from "../../plugin-sdk/grant.js";
import { DI } from "../di-tokens.js";
import { failpoint } from "../failpoints.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { DurableStorage, GrantRecord, RefreshTokenRecord } from "../ports/repositories.js";
import { secretDigest } from "../security/digest.js";
import type { RevocationService } from "./access-token.js";
import { openSuccessor, sealSuccessor } from "./successor-seal.js";
import { vouch } from "../security/vouched.js";
import { confirmationOf, proves, UNBOUND, type SenderBinding } from "../../plugin-sdk/sender-binding.js";

export interface NewGrant {
  client: Client;
  subject: string;
  scopes: readonly string[];
  resources: readonly string[];
  claims?: Record<string, unknown>;
  /** The grant this one derives from (RFC 8693 token exchange): revoking that grant revokes this one, which never outlives it. */
  parentGrantId?: string;
  /** What the token request proved; kept for a public client's grant (see `refreshBindingOf`). */
  binding?: SenderBinding;
}

/**
 * The key a new grant's refresh tokens are bound to: a public client's proof (RFC 9449 §5: DPoP key; RFC 8705 §4:
 * certificate), since nothing else authenticates its refreshes; a confidential client's refresh tokens stay unbound.
 */
function refreshBindingOf(client: Client, binding: SenderBinding | undefined): SenderBinding | undefined {
  return client.metadata.token_endpoint_auth_method === "none" && binding && confirmationOf(binding) ? binding : undefined;
}

const invalid = () => OAuthErrors.invalidGrant("refresh token is invalid, expired or revoked");
const parentRevoked = () => OAuthErrors.invalidRequest("the token this grant derives from is expired or revoked");

/**
 * Refresh tokens: one grant per authorization, rotation on every use in one transaction, reuse detection that
 * revokes the grant, and a grace window that returns the same successor to a retry (RFC 6749 §6, RFC 9700 §4.14.2).
 * Lifetime is absolute from the grant's creation; rotation does not extend it. A public client's grant is bound to the
 * key its first token request proved, and every refresh must prove it again.
 */
@injectable()
export class RefreshTokenService {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Revocation) private readonly revocation: RevocationService,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Creates a grant with its first refresh token; a derived grant only while its parent is live, and never past it. */
  async issue(input: NewGrant): Promise<{ grantId: string; refreshToken: string; expiresAt: number }> {
    const now = this.clock.now();
    const ttl = (input.client.metadata.refresh_token_lifetime ?? this.config.refreshTokenTtl) * 1000;
    const parent = input.parentGrantId === undefined ? undefined : await this.storage.grants.findGrant(input.parentGrantId);
    if (input.parentGrantId !== undefined && (!parent || parent.revokedAt !== undefined || parent.expiresAt <= now)) throw parentRevoked();
    const binding = refreshBindingOf(input.client, input.binding);
    const grant: GrantRecord = {
      id: this.random.id(),
      clientId: input.client.clientId,
      subject: input.subject,
      scopes: [...input.scopes],
      resources: [...input.resources],
      claims: input.claims ?? {},
      createdAt: now,
      expiresAt: Math.min(now + ttl, parent?.expiresAt ?? Infinity),
      ...(parent && { parentId: parent.id }),
      ...(binding && { binding }),
    };
    const refreshToken = this.random.token(32);
    // The repository re-checks the parent under a lock, so a revocation racing this insert still reaches the new grant.
    if (!(await this.storage.grants.create(grant, this.record(grant, refreshToken, now)))) throw parentRevoked();
    return { grantId: grant.id, refreshToken, expiresAt: grant.expiresAt };
  }

  /** Rotates `presented` for `caller`, which proved `proven`; see the class comment for the rules. */
  async rotate(presented: string, caller: AuthenticatedClient, proven: SenderBinding = UNBOUND): Promise<RefreshedGrant> {
    const current = await this.storage.grants.findRefreshToken(secretDigest(presented));
    if (!current || current.clientId !== caller.client.clientId) throw invalid();
    const grant = await this.storage.grants.findGrant(current.grantId);
    const now = this.clock.now();
    if (!grant || grant.revokedAt !== undefined || current.expiresAt <= now || current.status === "revoked") throw invalid();
    // Before rotation or reuse detection: a stolen bound token without its key changes nothing (RFC 9449 §5, RFC 8705 §4).
    if (!proves(proven, grant.binding)) throw OAuthErrors.invalidGrant("the refresh token is bound to a key this request did not prove");
    if (current.status === "active") {
      const successor = this.random.token(32);
      const record = this.record(grant, successor, now);
      if (await this.storage.grants.rotate(current.id, now, record, sealSuccessor(successor, presented, current.id))) {
        failpoint("after-refresh-rotation");
        return this.refreshed(grant, successor);
      }
      const raced = await this.storage.grants.findRefreshTokenById(current.id);
      if (!raced) throw invalid();
      return this.retryOrReuse(grant, raced, presented, now);
    }
    return this.retryOrReuse(grant, current, presented, now);
  }

  /** A rotated token presented again: the same successor inside the grace window while it is unused, else reuse. */
  private async retryOrReuse(grant: GrantRecord, rotated: RefreshTokenRecord, presented: string, now: number): Promise<RefreshedGrant> {
    const inGrace = rotated.rotatedAt !== undefined && now - rotated.rotatedAt <= this.config.refreshGraceSeconds * 1000;
    if (inGrace && rotated.successorId && rotated.successorSealed) {
      const successor = await this.storage.grants.findRefreshTokenById(rotated.successorId);
      const value = successor?.status === "active" ? openSuccessor(rotated.successorSealed, presented, rotated.id) : undefined;
      if (value !== undefined) return this.refreshed(grant, value);
    }
    await this.revocation.revokeGrant(grant.id, { cause: "refresh_token_reuse" });
    throw OAuthErrors.invalidGrant("refresh token was already used", { cause: new Error(`refresh token reuse; grant ${grant.id} revoked`) });
  }

  private record(grant: GrantRecord, value: string, now: number): RefreshTokenRecord {
    return { id: this.random.id(), grantId: grant.id, clientId: grant.clientId, digest: secretDigest(value), status: "active", createdAt: now, expiresAt: grant.expiresAt };
  }

  private refreshed(grant: GrantRecord, refreshToken: string): RefreshedGrant {
    return vouch({
      grantId: grant.id,
      subject: grant.subject,
      scopes: grant.scopes,
      resources: grant.resources,
      refreshToken,
      refreshTokenExpiresAt: grant.expiresAt,
      claims: grant.claims,
    });
  }
}
