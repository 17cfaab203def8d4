import type { Knex } from "knex";
import type { GrantRecord, GrantRepository, RefreshTokenRecord } from "../../core/ports/repositories.js";
import type { SqlChangeLog } from "./change-log.js";
import { orNull, withoutNulls } from "./rows.js";

interface GrantRow {
  id: string;
  client_id: string;
  subject: string;
  scopes: string;
  resources: string;
  claims: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  parent_grant_id: string | null;
  confirmation: string | null;
}

interface RefreshTokenRow {
  id: string;
  grant_id: string;
  client_id: string;
  digest: string;
  status: RefreshTokenRecord["status"];
  created_at: number;
  expires_at: number;
  rotated_at: number | null;
  successor_id: string | null;
  successor_sealed: string | null;
}

function grantToRow(grant: GrantRecord): GrantRow {
  return {
    id: grant.id,
    client_id: grant.clientId,
    subject: grant.subject,
    scopes: JSON.stringify(grant.scopes),
    resources: JSON.stringify(grant.resources),
    claims: JSON.stringify(grant.claims),
    created_at: grant.createdAt,
    expires_at: grant.expiresAt,
    revoked_at: orNull(grant.revokedAt),
    parent_grant_id: orNull(grant.parentId),
    confirmation: grant.binding ? JSON.stringify(grant.binding) : null,
  };
}

function grantFromRow(row: GrantRow): GrantRecord {
  return withoutNulls<GrantRecord>({
    id: row.id,
    clientId: row.client_id,
    subject: row.subject,
    scopes: JSON.parse(row.scopes),
    resources: JSON.parse(row.resources),
    claims: JSON.parse(row.claims),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    parentId: row.parent_grant_id,
    binding: row.confirmation === null ? null : JSON.parse(row.confirmation),
  });
}

function tokenToRow(token: RefreshTokenRecord): RefreshTokenRow {
  return {
    id: token.id,
    grant_id: token.grantId,
    client_id: token.clientId,
    digest: token.digest,
    status: token.status,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    rotated_at: orNull(token.rotatedAt),
    successor_id: orNull(token.successorId),
    successor_sealed: orNull(token.successorSealed),
  };
}

function tokenFromRow(row: RefreshTokenRow): RefreshTokenRecord {
  return withoutNulls<RefreshTokenRecord>({
    id: row.id,
    grantId: row.grant_id,
    clientId: row.client_id,
    digest: row.digest,
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    rotatedAt: row.rotated_at,
    successorId: row.successor_id,
    successorSealed: row.successor_sealed,
  });
}

/**
 * Grants and refresh tokens (RFC 6749 §1.5, §6); single use is a conditional update checked by row count (DESIGN "State").
 * A derived grant (RFC 8693 token exchange) is inserted under a shared lock on its live parent, and revocations lock what
 * they find, so a revocation either sees a concurrently derived grant or makes its insert fail.
 */
export class SqlGrantRepository implements GrantRepository {
  constructor(
    private readonly db: Knex,
    private readonly changes: SqlChangeLog,
  ) {}

  async create(grant: GrantRecord, refreshToken: RefreshTokenRecord): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      if (grant.parentId !== undefined) {
        const parent = await trx<GrantRow>("grants").where({ id: grant.parentId }).forShare().first("revoked_at");
        if (!parent || parent.revoked_at !== null) return false;
      }
      await trx("grants").insert(grantToRow(grant));
      await trx("refresh_tokens").insert(tokenToRow(refreshToken));
      return true;
    });
  }

  async findGrant(id: string): Promise<GrantRecord | undefined> {
    const row = await this.db<GrantRow>("grants").where({ id }).first();
    return row && grantFromRow(row);
  }

  async findRefreshToken(digest: string): Promise<RefreshTokenRecord | undefined> {
    return this.findToken({ digest });
  }

  async findRefreshTokenById(id: string): Promise<RefreshTokenRecord | undefined> {
    return this.findToken({ id });
  }

  async rotate(currentId: string, rotatedAt: number, successor: RefreshTokenRecord, successorSealed: string): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const claimed = await trx("refresh_tokens")
        .where({ id: currentId, status: "active" })
        .update({ status: "rotated", rotated_at: rotatedAt, successor_id: successor.id, successor_sealed: successorSealed });
      if (claimed === 0) return false;
      await trx("refresh_tokens").insert(tokenToRow(successor));
      return true;
    });
  }

  async revokeGrant(grantId: string, revokedAt: number): Promise<string[]> {
    return this.db.transaction(async (trx) => {
      const revoked = await trx("grants").where({ id: grantId }).whereNull("revoked_at").update({ revoked_at: revokedAt });
      const ids = [...(revoked > 0 ? [grantId] : []), ...(await this.revokeDerived(trx, [grantId], revokedAt))];
      if (ids.length > 0) await trx("refresh_tokens").whereIn("grant_id", ids).update({ status: "revoked" });
      return ids;
    });
  }

  async revokeForUser(subject: string, revokedAt: number, clientId?: string): Promise<string[]> {
    return this.changes.write("grant-revoked", async (trx, record) => {
      const ids = await trx<GrantRow>("grants")
        .where(clientId === undefined ? { subject } : { subject, client_id: clientId })
        .whereNull("revoked_at")
        .pluck("id");
      if (ids.length === 0) return [];
      await trx("grants").whereIn("id", ids).update({ revoked_at: revokedAt });
      const all = [...ids, ...(await this.revokeDerived(trx, ids, revokedAt))];
      await trx("refresh_tokens").whereIn("grant_id", all).update({ status: "revoked" });
      await record(all);
      return all;
    });
  }

  /** Revokes the live grants derived from `parents`, generation by generation, reading them with a lock; returns their ids. */
  private async revokeDerived(trx: Knex.Transaction, parents: readonly string[], revokedAt: number): Promise<string[]> {
    const revoked: string[] = [];
    for (let generation = parents; generation.length > 0; ) {
      const rows: { id: string }[] = await trx("grants").whereIn("parent_grant_id", generation).whereNull("revoked_at").forUpdate().select("id");
      generation = rows.map((row) => row.id);
      if (generation.length > 0) await trx("grants").whereIn("id", generation).update({ revoked_at: revokedAt });
      revoked.push(...generation);
    }
    return revoked;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.db.transaction(async (trx) => {
      const expiredGrants = trx("grants").where("expires_at", "<", now).select("id");
      const tokens = await trx("refresh_tokens").where("expires_at", "<", now).orWhereIn("grant_id", expiredGrants).delete();
      const grants = await trx("grants").where("expires_at", "<", now).delete();
      return tokens + grants;
    });
  }

  private async findToken(where: Partial<RefreshTokenRow>): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db<RefreshTokenRow>("refresh_tokens").where(where).first();
    return row && tokenFromRow(row);
  }
}
