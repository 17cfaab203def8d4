import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import knex from "knex";
import { loadConfig } from "../../../src/config/config.js";
import { sqliteConfig } from "../../../src/storage/sql/knex-config.js";

const dir = mkdtempSync(join(tmpdir(), "portcullis-sync-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The connection's `PRAGMA synchronous` and `journal_mode` (SQLite: 1 = NORMAL, 2 = FULL). */
async function pragmas(synchronous?: "normal" | "full"): Promise<{ synchronous: number; journal: string }> {
  const db = knex(sqliteConfig(join(dir, `${synchronous ?? "default"}.db`), synchronous));
  try {
    const [sync] = (await db.raw("PRAGMA synchronous")) as { synchronous: number }[];
    const [journal] = (await db.raw("PRAGMA journal_mode")) as { journal_mode: string }[];
    return { synchronous: sync!.synchronous, journal: journal!.journal_mode };
  } finally {
    await db.destroy();
  }
}

test("a SQLite file commits in WAL mode with synchronous NORMAL by default, FULL when SQLITE_SYNCHRONOUS=full", async () => {
  assert.deepEqual(await pragmas(), { synchronous: 1, journal: "wal" });
  assert.deepEqual(await pragmas("normal"), { synchronous: 1, journal: "wal" });
  assert.deepEqual(await pragmas("full"), { synchronous: 2, journal: "wal" });
});

test("SQLITE_SYNCHRONOUS defaults to normal and accepts only normal or full", () => {
  assert.equal(loadConfig({}).sqliteSynchronous, "normal");
  assert.equal(loadConfig({ SQLITE_SYNCHRONOUS: "full" }).sqliteSynchronous, "full");
  assert.throws(() => loadConfig({ SQLITE_SYNCHRONOUS: "off" }), /SQLITE_SYNCHRONOUS/);
});
