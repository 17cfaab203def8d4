import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { test } from "node:test";
import { attachOptionValues } from "../../src/cli/option-values.js";

test("option values starting with '-' are taken as values (a base64url client id can start with '-')", () => {
  const argv = attachOptionValues(["consents", "revoke", "--user", "carol", "--client", "-Xy_9", "--unknown", "-z"], new Set(["user", "client"]));
  assert.deepEqual(argv, ["consents", "revoke", "--user=carol", "--client=-Xy_9", "--unknown", "-z"]);
  const { values, positionals } = parseArgs({ args: argv.slice(0, 4), allowPositionals: true, options: { user: { type: "string" }, client: { type: "string" } } });
  assert.deepEqual([positionals, values.client, values.user], [["consents", "revoke"], "-Xy_9", "carol"]);
  assert.deepEqual(attachOptionValues(["--client=-a", "--client"], new Set(["client"])), ["--client=-a", "--client"], "already attached, or no value left");
});
