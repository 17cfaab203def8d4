import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startFlags } from "../../bench/lib/start-flags.js";

/** The bench starts Portcullis with the node flags of the checkout's `npm start` script (bench/README.md). */
test("startFlags: the node flags of a checkout's start script, without the script path; a start script not running node is refused", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-start-flags-"));
  try {
    const write = (start: string) => writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { start } }));
    write("node --max-semi-space-size=8 --conditions=portcullis-compiled dist/src/main.js");
    assert.deepEqual(startFlags(dir), ["--max-semi-space-size=8", "--conditions=portcullis-compiled"]);
    write("tsx src/main.ts");
    assert.throws(() => startFlags(dir), /does not run node/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
