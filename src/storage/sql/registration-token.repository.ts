import type { Knex } from "knex";
import type { RegistrationTokenRepository } from "../../core/ports/repositories.js";
import { orNull } from "./rows.js";

/** Initial access tokens for dynamic registration (RFC 7591 §3), kept as SHA-256 digests. */
export class SqlRegistrationTokenRepository implements RegistrationTokenRepository {
  constructor(private readonly db: Knex) {}

  async insert(record: { digest: string; createdAt: number; expiresAt?: number }): Promise<void> {
    await this.db("registration_tokens").insert({
      digest: record.digest,
      created_at: record.createdAt,
      expires_at: orNull(record.expiresAt),
    });
  }

  async isValid(digest: string, now: number): Promise<boolean> {
    const row = await this.db("registration_tokens")
      .where({ digest })
      .andWhere((q) => q.whereNull("expires_at").orWhere("expires_at", ">", now))
      .first("digest");
    return row !== undefined;
  }
}
