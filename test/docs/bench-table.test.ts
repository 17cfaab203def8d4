import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BENCH_SUMMARY, readSection } from "../../bench/lib/results-file.js";
import { ROOT } from "../support/spawned-server.js";

test("README's bench summary is bench/RESULTS.md's, as `npm run bench -- --write-results` (bench/sync-readme.ts) copies it", () => {
  const results = readSection(readFileSync(join(ROOT, "bench", "RESULTS.md"), "utf8"), BENCH_SUMMARY);
  const readme = readSection(readFileSync(join(ROOT, "README.md"), "utf8"), BENCH_SUMMARY);
  assert.ok(results, "bench/RESULTS.md has no bench summary");
  assert.match(results, /\| `POST \/token` client_credentials/);
  assert.equal(readme, results);
});
