import type { Knex } from "knex";
import type { RegistrationTokenRecord, RegistrationTokenRepository } from "../../core/ports/repositories.js";
import { orNull } from "./rows.js";

interface Row {
  digest: string;
  created_at: number | string;
  expires_at: number | string | null;
  policy: string | null;
}

/** Initial access tokens for dynamic registration (RFC 7591 §3), kept as SHA-256 digests with their policy as JSON. */
export class SqlRegistrationTokenRepository implements RegistrationTokenRepository {
  constructor(private readonly db: Knex) {}

  async insert(record: RegistrationTokenRecord): Promise<void> {
    await this.db("registration_tokens").insert({
      digest: record.digest,
      created_at: record.createdAt,
      expires_at: orNull(record.expiresAt),
      policy: record.policy === undefined ? null : JSON.stringify(record.policy),
    });
  }

  async findValid(digest: string, now: number): Promise<RegistrationTokenRecord | undefined> {
    const row: Row | undefined = await this.db("registration_tokens")
      .where({ digest })
      .andWhere((q) => q.whereNull("expires_at").orWhere("expires_at", ">", now))
      .first();
    if (!row) return undefined;
    return {
      digest: row.digest,
      createdAt: Number(row.created_at),
      ...(row.expires_at !== null && { expiresAt: Number(row.expires_at) }),
      ...(row.policy !== null && { policy: JSON.parse(row.policy) }),
    };
  }
}
