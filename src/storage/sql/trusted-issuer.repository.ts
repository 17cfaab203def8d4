import type { Knex } from "knex";
import type { TrustedIssuer, TrustedIssuerRepository } from "../../core/trust/trusted-issuer.js";
import type { SqlChangeLog } from "./change-log.js";
import { orNull, withoutNulls } from "./rows.js";

interface TrustedIssuerRow {
  issuer: string;
  uses: string;
  allowed_clients: string;
  subject_mapping: TrustedIssuer["subjectMapping"];
  jwks: string | null;
  jwks_uri: string | null;
  max_lifetime: number;
  created_at: number;
  updated_at: number;
}

function toRow(issuer: TrustedIssuer): TrustedIssuerRow {
  return {
    issuer: issuer.issuer,
    uses: JSON.stringify(issuer.uses),
    allowed_clients: JSON.stringify(issuer.allowedClients),
    subject_mapping: issuer.subjectMapping,
    jwks: issuer.jwks ? JSON.stringify(issuer.jwks) : null,
    jwks_uri: orNull(issuer.jwksUri),
    max_lifetime: issuer.maxLifetime,
    created_at: issuer.createdAt,
    updated_at: issuer.updatedAt,
  };
}

function fromRow(row: TrustedIssuerRow): TrustedIssuer {
  return withoutNulls<TrustedIssuer>({
    issuer: row.issuer,
    uses: JSON.parse(row.uses),
    allowedClients: JSON.parse(row.allowed_clients),
    subjectMapping: row.subject_mapping,
    jwks: row.jwks === null ? null : JSON.parse(row.jwks),
    jwksUri: row.jwks_uri,
    maxLifetime: row.max_lifetime,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** Columns a replacement overwrites: everything but the creation time. */
const REPLACED: readonly (keyof TrustedIssuerRow)[] = ["uses", "allowed_clients", "subject_mapping", "jwks", "jwks_uri", "max_lifetime", "updated_at"];

/** Operator-trusted JWT issuers (RFC 7523 §3); list values and keys are JSON text; every write is recorded in the change log. */
export class SqlTrustedIssuerRepository implements TrustedIssuerRepository {
  constructor(
    private readonly db: Knex,
    private readonly changes: SqlChangeLog,
  ) {}

  async upsert(issuer: TrustedIssuer): Promise<void> {
    await this.changes.write("trusted-issuer", async (trx, record) => {
      await trx("trusted_issuers").insert(toRow(issuer)).onConflict("issuer").merge([...REPLACED]);
      await record([issuer.issuer]);
    });
  }

  async find(issuer: string): Promise<TrustedIssuer | undefined> {
    const row = await this.db<TrustedIssuerRow>("trusted_issuers").where({ issuer }).first();
    return row && fromRow(row);
  }

  async list(): Promise<TrustedIssuer[]> {
    return (await this.db<TrustedIssuerRow>("trusted_issuers").orderBy("issuer")).map(fromRow);
  }

  async delete(issuer: string): Promise<boolean> {
    return this.changes.write("trusted-issuer", async (trx, record) => {
      const deleted = (await trx("trusted_issuers").where({ issuer }).delete()) > 0;
      if (deleted) await record([issuer]);
      return deleted;
    });
  }
}
