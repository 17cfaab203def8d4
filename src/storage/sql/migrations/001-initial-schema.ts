import type { Knex } from "knex";
import { createTable } from "./create-table.js";

/** Every durable table (DESIGN "State"); timestamps are epoch-ms bigints, structured values JSON text. */
export async function up(knex: Knex): Promise<void> {
  await createTable(knex, "clients", (t) => {
    t.string("client_id", 255).primary();
    t.text("metadata", "mediumtext").notNullable();
    t.string("secret_digest", 64);
    t.text("secret_sealed");
    t.bigInteger("secret_expires_at");
    t.bigInteger("issued_at").notNullable();
    t.string("registration_token_digest", 64).index();
    t.bigInteger("updated_at").notNullable();
  });
  await createTable(knex, "users", (t) => {
    t.string("id", 255).primary();
    t.string("username", 255).notNullable().unique();
    t.text("password_hash").notNullable();
    t.string("email", 320);
    t.text("name");
    t.boolean("disabled").notNullable().defaultTo(false);
    t.bigInteger("created_at").notNullable();
  });
  await createTable(knex, "resources", (t) => {
    t.string("id", 512).primary();
    t.text("scopes").notNullable();
    t.string("access_token_format", 16).notNullable();
    t.integer("access_token_ttl").notNullable();
    t.bigInteger("created_at").notNullable();
  });
  await createTable(knex, "signing_keys", (t) => {
    t.string("kid", 255).primary();
    t.string("alg", 32).notNullable();
    t.text("private_jwk").notNullable();
    t.text("public_jwk").notNullable();
    t.string("status", 16).notNullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("retired_at");
    t.bigInteger("expires_at").index();
    t.index(["alg", "status"]);
  });
  await createTable(knex, "registration_tokens", (t) => {
    t.string("digest", 64).primary();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("expires_at");
  });
  await createTable(knex, "grants", (t) => {
    t.string("id", 255).primary();
    t.string("client_id", 255).notNullable().index();
    t.string("subject", 255).notNullable().index();
    t.text("scopes").notNullable();
    t.text("resources").notNullable();
    t.text("claims", "mediumtext").notNullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("expires_at").notNullable().index();
    t.bigInteger("revoked_at");
  });
  await createTable(knex, "refresh_tokens", (t) => {
    t.string("id", 255).primary();
    t.string("grant_id", 255).notNullable().index();
    t.string("client_id", 255).notNullable();
    t.string("digest", 64).notNullable().unique();
    t.string("status", 16).notNullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("expires_at").notNullable().index();
    t.bigInteger("rotated_at");
    t.string("successor_id", 255);
    t.text("successor_sealed");
  });
  await createTable(knex, "server_secrets", (t) => {
    t.string("name", 255).primary();
    t.text("value").notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ["server_secrets", "refresh_tokens", "grants", "registration_tokens", "signing_keys", "resources", "users", "clients"]) {
    await knex.schema.dropTableIfExists(table);
  }
}
