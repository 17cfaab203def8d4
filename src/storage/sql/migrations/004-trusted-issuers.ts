import type { Knex } from "knex";
import { createTable } from "./create-table.js";

/** Operator-trusted JWT issuers (RFC 7523 §3): uses, allowed clients and inline keys are JSON text. */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, "trusted_issuers", (t) => {
    t.string("issuer", 255).primary();
    t.text("uses").notNullable();
    t.text("allowed_clients", "mediumtext").notNullable();
    t.string("subject_mapping", 16).notNullable();
    t.text("jwks", "mediumtext");
    t.text("jwks_uri");
    t.integer("max_lifetime").notNullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("updated_at").notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("trusted_issuers");
}
