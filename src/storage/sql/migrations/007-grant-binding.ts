import type { Knex } from "knex";

/** The key a grant's refresh tokens are bound to (RFC 9449 §5, RFC 8705 §4), as JSON text of a SenderBinding; NULL when unbound. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("grants", (t) => {
    t.text("confirmation");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("grants", (t) => {
    t.dropColumn("confirmation");
  });
}
