import type { Knex } from "knex";
import { createTable } from "./create-table.js";

/** The change log every node follows so operator changes reach running processes at once (DESIGN "State"). */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, "change_head", (t) => {
    t.integer("id").primary();
    t.bigInteger("seq").notNullable();
  });
  await knex("change_head").insert({ id: 1, seq: 0 });
  await createTable(knex, "change_log", (t) => {
    t.bigInteger("seq").primary();
    t.string("topic", 32).notNullable();
    t.string("change_key", 255).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("change_log");
  await knex.schema.dropTableIfExists("change_head");
}
