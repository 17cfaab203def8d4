import type { Knex } from "knex";

/** What an initial access token requires of registrations (RFC 7591 §2.3 software statements, attested registration), as JSON text. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("registration_tokens", (t) => {
    t.text("policy");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("registration_tokens", (t) => {
    t.dropColumn("policy");
  });
}
