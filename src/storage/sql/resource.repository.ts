import type { Knex } from "knex";
import type { ResourceRepository, ResourceServer } from "../../core/ports/repositories.js";
import type { SqlChangeLog } from "./change-log.js";

interface ResourceRow {
  id: string;
  scopes: string;
  access_token_format: ResourceServer["accessTokenFormat"];
  access_token_ttl: number;
  created_at: number;
}

function fromRow(row: ResourceRow): ResourceServer {
  return {
    id: row.id,
    scopes: JSON.parse(row.scopes),
    accessTokenFormat: row.access_token_format,
    accessTokenTtl: row.access_token_ttl,
    createdAt: row.created_at,
  };
}

/** RFC 8707 resource servers; scopes are a JSON text column; every write is recorded in the change log. */
export class SqlResourceRepository implements ResourceRepository {
  constructor(
    private readonly db: Knex,
    private readonly changes: SqlChangeLog,
  ) {}

  async upsert(resource: ResourceServer): Promise<void> {
    const row: ResourceRow = {
      id: resource.id,
      scopes: JSON.stringify(resource.scopes),
      access_token_format: resource.accessTokenFormat,
      access_token_ttl: resource.accessTokenTtl,
      created_at: resource.createdAt,
    };
    await this.changes.write("resource", async (trx, record) => {
      await trx("resources").insert(row).onConflict("id").merge();
      await record([resource.id]);
    });
  }

  async find(id: string): Promise<ResourceServer | undefined> {
    const row = await this.db<ResourceRow>("resources").where({ id }).first();
    return row && fromRow(row);
  }

  async list(): Promise<ResourceServer[]> {
    return (await this.db<ResourceRow>("resources").orderBy("id")).map(fromRow);
  }

  async delete(id: string): Promise<boolean> {
    return this.changes.write("resource", async (trx, record) => {
      const deleted = (await trx("resources").where({ id }).delete()) > 0;
      if (deleted) await record([id]);
      return deleted;
    });
  }
}
