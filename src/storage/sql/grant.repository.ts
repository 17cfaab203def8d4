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

/** Grants and refresh tokens (RFC 6749 §1.5, §6); single use is a conditional update checked by row count (DESIGN "State"). */
export class SqlGrantRepository implements GrantRepository {
  constructor(
    private readonly db: Knex,
    private readonly changes: SqlChangeLog,
  ) {}

  async create(grant: GrantRecord, refreshToken: RefreshTokenRecord): Promise<void> {
    await this.db.transaction(async (trx) => {
      await trx("grants").insert(grantToRow(grant));
      await trx("refresh_tokens").insert(tokenToRow(refreshToken));
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

  async revokeGrant(grantId: string, revokedAt: number): Promise<boolean> {
    return this.db.transaction(async (trx) => {
      const revoked = await trx("grants").where({ id: grantId }).whereNull("revoked_at").update({ revoked_at: revokedAt });
      if (revoked === 0) return false;
      await trx("refresh_tokens").where({ grant_id: grantId }).update({ status: "revoked" });
      return true;
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
      await trx("refresh_tokens").whereIn("grant_id", ids).update({ status: "revoked" });
      await record(ids);
      return ids;
    });
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
