import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { spawnServer } from "../support/spawned-server.js";

test("`npm start` runs the compiled server, which still loads a TypeScript plugin from PLUGINS against its own SDK", async () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-compiled-"));
  // The fixture's endpoint asks for PluginTokens.ClientAuthentication (a Symbol): it resolves only if the plugin got the host's SDK module.
  const env = { DATABASE_URL: `sqlite:${join(dir, "portcullis.db")}`, PLUGINS: "test/fixtures/plugins/test-delegation.plugin.ts" };
  const server = await spawnServer(env, ["npm", "start"]);
  try {
    assert.match(server.output(), /node --max-semi-space-size=8 --heap-growing-percent=50 --conditions=portcullis-compiled dist\/src\/main\.js/);
    const response = await fetch(`${server.url}/delegation/ticket`, { method: "POST", body: new URLSearchParams() });
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: string }).error, "invalid_client");
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
