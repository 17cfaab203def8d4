/**
 * `npx tsx bench/sync-readme.ts`: copies the bench summary of bench/RESULTS.md (section "bench-summary", written by
 * `npm run bench -- --write-results`, which also does this) into README.md's section of the same name;
 * test/docs/bench-table.test.ts checks the two agree.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { syncReadme } from "./lib/results-file.js";

syncReadme(resolve(dirname(fileURLToPath(import.meta.url)), ".."));
process.stdout.write("README.md: bench-summary section updated from bench/RESULTS.md\n");
