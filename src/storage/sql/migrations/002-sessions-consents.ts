import type { Knex } from "knex";
import { createTable } from "./create-table.js";

/** SSO sessions and the clients served in them, remembered consents, and users' sealed TOTP secrets (OIDC Core §3.1.2.3, §3.1.2.4). */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, "sessions", (t) => {
    t.string("id", 255).primary();
    t.string("user_id", 255).notNullable().index();
    t.string("cookie_digest", 64).notNullable().unique();
    t.bigInteger("auth_time").notNullable();
    t.text("amr").notNullable();
    t.string("acr", 255);
    t.bigInteger("created_at").notNullable();
    t.bigInteger("expires_at").notNullable().index();
    t.bigInteger("ended_at");
  });
  await createTable(knex, "session_clients", (t) => {
    t.string("session_id", 255).notNullable();
    t.string("client_id", 255).notNullable();
    t.primary(["session_id", "client_id"]);
  });
  await createTable(knex, "consents", (t) => {
    t.string("user_id", 255).notNullable();
    t.string("client_id", 255).notNullable();
    t.text("scopes").notNullable();
    t.bigInteger("granted_at").notNullable();
    t.primary(["user_id", "client_id"]);
  });
  await knex.schema.alterTable("users", (t) => {
    t.text("totp_secret");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("users", (t) => {
    t.dropColumn("totp_secret");
  });
  for (const table of ["consents", "session_clients", "sessions"]) {
    await knex.schema.dropTableIfExists(table);
  }
}
