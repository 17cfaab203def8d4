import type { Knex } from "knex";
import type { ClientRepository } from "../../core/ports/repositories.js";
import type { Client } from "../../plugin-sdk/client.js";
import type { SqlChangeLog } from "./change-log.js";
import { orNull, withoutNulls } from "./rows.js";

interface ClientRow {
  client_id: string;
  metadata: string;
  secret_digest: string | null;
  secret_sealed: string | null;
  secret_expires_at: number | null;
  issued_at: number;
  registration_token_digest: string | null;
  updated_at: number;
}

function toRow(client: Client): ClientRow {
  return {
    client_id: client.clientId,
    metadata: JSON.stringify(client.metadata),
    secret_digest: orNull(client.secretDigest),
    secret_sealed: orNull(client.secretSealed),
    secret_expires_at: orNull(client.secretExpiresAt),
    issued_at: client.issuedAt,
    registration_token_digest: orNull(client.registrationTokenDigest),
    updated_at: client.updatedAt,
  };
}

function fromRow(row: ClientRow): Client {
  return withoutNulls<Client>({
    clientId: row.client_id,
    metadata: JSON.parse(row.metadata),
    secretDigest: row.secret_digest,
    secretSealed: row.secret_sealed,
    secretExpiresAt: row.secret_expires_at,
    issuedAt: row.issued_at,
    registrationTokenDigest: row.registration_token_digest,
    updatedAt: row.updated_at,
  });
}

/** Registered clients (RFC 7591 §3.2.1); metadata is a JSON text column; every write is recorded in the change log. */
export class SqlClientRepository implements ClientRepository {
  constructor(
    private readonly db: Knex,
    private readonly changes: SqlChangeLog,
  ) {}

  async insert(client: Client): Promise<void> {
    await this.changes.write("client-created", async (trx, record) => {
      await trx("clients").insert(toRow(client));
      await record([client.clientId]);
    });
  }

  async find(clientId: string): Promise<Client | undefined> {
    const row = await this.db<ClientRow>("clients").where({ client_id: clientId }).first();
    return row && fromRow(row);
  }

  async update(client: Client): Promise<boolean> {
    const { client_id, ...changes } = toRow(client);
    return this.changes.write("client", async (trx, record) => {
      const updated = (await trx("clients").where({ client_id }).update(changes)) > 0;
      if (updated) await record([client_id]);
      return updated;
    });
  }

  async delete(clientId: string): Promise<boolean> {
    return this.changes.write("client", async (trx, record) => {
      const deleted = (await trx("clients").where({ client_id: clientId }).delete()) > 0;
      if (deleted) await record([clientId]);
      return deleted;
    });
  }

  async list(options: { limit: number; after?: string }): Promise<Client[]> {
    const query = this.db<ClientRow>("clients").orderBy("client_id").limit(options.limit);
    if (options.after !== undefined) query.where("client_id", ">", options.after);
    return (await query).map(fromRow);
  }
}
