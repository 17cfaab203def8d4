import type { Knex } from "knex";
import type { SigningKeyRecord, SigningKeyRepository } from "../../core/ports/repositories.js";
import type { SqlChangeLog } from "./change-log.js";
import { orNull, withoutNulls } from "./rows.js";

interface SigningKeyRow {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  status: SigningKeyRecord["status"];
  created_at: number;
  retired_at: number | null;
  expires_at: number | null;
}

function toRow(key: SigningKeyRecord): SigningKeyRow {
  return {
    kid: key.kid,
    alg: key.alg,
    private_jwk: key.privateJwk,
    public_jwk: key.publicJwk,
    status: key.status,
    created_at: key.createdAt,
    retired_at: orNull(key.retiredAt),
    expires_at: orNull(key.expiresAt),
  };
}

function fromRow(row: SigningKeyRow): SigningKeyRecord {
  return withoutNulls<SigningKeyRecord>({
    kid: row.kid,
    alg: row.alg,
    privateJwk: row.private_jwk,
    publicJwk: row.public_jwk,
    status: row.status,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  });
}

/**
 * Signing keys (DESIGN "State"): rotation retires the active key of an alg and adds its successor atomically; every
 * write is recorded in the change log.
 */
export class SqlSigningKeyRepository implements SigningKeyRepository {
  constructor(
    private readonly db: Knex,
    private readonly changes: SqlChangeLog,
  ) {}

  async insert(key: SigningKeyRecord): Promise<void> {
    await this.changes.write("signing-key", async (trx, record) => {
      await trx("signing_keys").insert(toRow(key));
      await record([key.kid]);
    });
  }

  async listPublished(now: number): Promise<SigningKeyRecord[]> {
    const rows = await this.db<SigningKeyRow>("signing_keys")
      .where((q) => q.whereNull("expires_at").orWhere("expires_at", ">", now))
      .orderBy([{ column: "created_at", order: "desc" }, "kid"]);
    return rows.map(fromRow);
  }

  async rotate(alg: string, next: SigningKeyRecord, retire: { retiredAt: number; expiresAt: number }): Promise<void> {
    await this.changes.write("signing-key", async (trx, record) => {
      const retired = await trx<SigningKeyRow>("signing_keys").where({ alg, status: "active" }).pluck("kid");
      await trx("signing_keys")
        .where({ alg, status: "active" })
        .update({ status: "retired", retired_at: retire.retiredAt, expires_at: retire.expiresAt });
      await trx("signing_keys").insert(toRow({ ...next, status: "active" }));
      await record([...retired, next.kid]);
    });
  }

  async purgeExpired(now: number): Promise<number> {
    return this.changes.write("signing-key", async (trx, record) => {
      const expired = await trx<SigningKeyRow>("signing_keys").where("expires_at", "<", now).pluck("kid");
      if (expired.length === 0) return 0;
      await trx("signing_keys").whereIn("kid", expired).delete();
      await record(expired);
      return expired.length;
    });
  }
}
