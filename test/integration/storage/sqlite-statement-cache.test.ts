import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import knex from "knex";
import { reusePreparedStatements, sqliteConfig } from "../../../src/storage/sql/knex-config.js";

test("each distinct SQL text is prepared once per connection, and a reused statement answers each run's bindings", () => {
  const db = new Database(":memory:");
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => (prepared.push(source), prepare(source))) as typeof db.prepare;
  reusePreparedStatements(db);
  db.prepare("CREATE TABLE t (id INTEGER, name TEXT)").run();
  const insert = "INSERT INTO t (id, name) VALUES (?, ?)";
  db.prepare(insert).run(1, "one");
  db.prepare(insert).run(2, "two");
  const select = "SELECT name FROM t WHERE id = ?";
  assert.deepEqual(db.prepare(select).all(1), [{ name: "one" }]);
  assert.deepEqual(db.prepare(select).all(2), [{ name: "two" }]);
  assert.deepEqual(prepared.filter((source) => source === insert || source === select), [insert, select]);
  db.close();
});

/** Caches `SELECT * FROM t` on `server`, lets `alter` change the table's schema, and returns what the cached statement answers then. */
function afterSchemaChange(server: Database.Database, alter: Database.Database): unknown[] {
  reusePreparedStatements(server);
  server.prepare("CREATE TABLE t (id INTEGER)").run();
  server.prepare("INSERT INTO t (id) VALUES (?)").run(1);
  const select = "SELECT * FROM t";
  assert.deepEqual(server.prepare(select).all(), [{ id: 1 }]);
  alter.prepare("ALTER TABLE t ADD COLUMN name TEXT").run();
  return server.prepare(select).all();
}

test("a cached statement still works after the schema changes under it", () => {
  const db = new Database(":memory:");
  assert.deepEqual(afterSchemaChange(db, db), [{ id: 1, name: null }]);
  db.close();
});

test("the cache is bounded: many distinct statements (IN lists of every length) keep working through knex", async () => {
  const sql = knex(sqliteConfig(":memory:"));
  await sql.schema.createTable("t", (table) => table.integer("id"));
  for (let id = 0; id < 600; id += 1) await sql("t").insert({ id });
  for (let length = 1; length <= 600; length += 1) {
    const ids = Array.from({ length }, (_, id) => id);
    const rows = await sql("t").whereIn("id", ids).count({ n: "*" });
    assert.equal(Number(rows[0]!.n), length);
  }
  await sql.destroy();
});

test("a statement cached on one connection still works after another connection (the CLI, another worker) changed the schema", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-stmt-"));
  try {
    const file = join(dir, "shared.db");
    const [server, cli] = [new Database(file), new Database(file)];
    assert.deepEqual(afterSchemaChange(server, cli), [{ id: 1, name: null }]);
    server.close();
    cli.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
