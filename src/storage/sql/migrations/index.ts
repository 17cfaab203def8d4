import type { Knex } from "knex";
import * as initialSchema from "./001-initial-schema.js";

interface NamedMigration extends Knex.Migration {
  name: string;
}

/** Migrations in order; append new modules here (an explicit list works under tsx and bundlers, unlike a directory glob). */
const MIGRATIONS: readonly NamedMigration[] = [{ name: "001-initial-schema", ...initialSchema }];

/** knex migration source over the explicit list above. */
export const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
