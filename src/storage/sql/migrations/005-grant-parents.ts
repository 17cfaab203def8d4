import type { Knex } from "knex";

/** Grants derived from another grant by token exchange (RFC 8693), so revoking the parent revokes them. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("grants", (t) => {
    t.string("parent_grant_id", 255).index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("grants", (t) => {
    t.dropIndex(["parent_grant_id"]);
    t.dropColumn("parent_grant_id");
  });
}
