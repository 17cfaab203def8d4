import type { Knex } from "knex";
import type { ServerSecretRepository } from "../../core/ports/repositories.js";

/** Server-generated secrets; concurrent first use converges on one stored value (insert-ignore, then read). */
export class SqlServerSecretRepository implements ServerSecretRepository {
  constructor(private readonly db: Knex) {}

  async getOrCreate(name: string, candidate: string): Promise<string> {
    await this.db("server_secrets").insert({ name, value: candidate }).onConflict("name").ignore();
    const row = await this.db<{ name: string; value: string }>("server_secrets").where({ name }).first("value");
    if (!row) throw new Error(`server secret ${name} vanished after insert`);
    return row.value;
  }
}
