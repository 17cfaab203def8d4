import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { durableStorageContract } from "./durable-storage.contract.js";

const dir = await mkdtemp(join(tmpdir(), "portcullis-sqlite-"));
after(() => rm(dir, { recursive: true, force: true }));

const file = join(dir, "nested", "portcullis.db");

durableStorageContract("SQLite in memory", () => openSqlStorage("sqlite::memory:"));
durableStorageContract("SQLite file", () => openSqlStorage(`sqlite:${file}`));

test("a SQLite file database is created with its parent directory and survives reopening", async () => {
  const path = join(dir, "reopen", "db.sqlite");
  const first = await openSqlStorage(`sqlite:${path}`);
  await first.migrate();
  await first.serverSecrets.getOrCreate("kek", "v1");
  await first.close();
  assert.ok((await stat(path)).isFile());
  const second = await openSqlStorage(`sqlite:${path}`);
  assert.equal(await second.serverSecrets.getOrCreate("kek", "v2"), "v1");
  await second.close();
});

test("an unsupported database URL is rejected without echoing it", async () => {
  await assert.rejects(openSqlStorage("postgres://user:secret@db/x"), (error: Error) => !error.message.includes("secret"));
});
