import type { Knex } from "knex";

/** Creates a table; on MySQL/MariaDB as utf8mb4 with binary collation so identifiers and digests compare case-sensitively. */
export async function createTable(knex: Knex, name: string, build: (table: Knex.CreateTableBuilder) => void): Promise<void> {
  await knex.schema.createTable(name, (table) => {
    if (knex.client.dialect === "mysql") {
      table.charset("utf8mb4");
      table.collate("utf8mb4_bin");
    }
    build(table);
  });
}
