import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { settingsTable } from "../../scripts/settings-table.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

test("README shows the two commands first", () => {
  const firstCode = readme.indexOf("```sh");
  assert.ok(firstCode > 0 && readme.slice(firstCode, firstCode + 200).includes("npm ci && npm start"));
  assert.ok(readme.includes("npm test"));
});

test("README configuration table matches src/config/defaults.ts", () => {
  assert.ok(readme.includes(settingsTable()), "regenerate with: npx tsx scripts/settings-table.ts");
});

test("README's plugin walkthrough imports the SDK by name only (issue 8: portcullis/plugin-sdk)", () => {
  const section = readme.slice(readme.indexOf("## Write a grant plugin"), readme.indexOf("## Tests and benchmarks"));
  const imports = [...section.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
  assert.ok(imports.length >= 2);
  for (const specifier of imports) assert.ok(specifier === "portcullis/plugin-sdk" || specifier.startsWith("./"), specifier);
});

test("README's resource-server sample is the running example's code, line for line and in order, imported by name", () => {
  const section = readme.slice(readme.indexOf("## Validate tokens in a resource server"), readme.indexOf("## Architecture in one paragraph"));
  const start = section.indexOf("```ts\n") + "```ts\n".length;
  const sample = section.slice(start, section.indexOf("```", start)).split("\n").filter((line) => line.trim() !== "");
  const example = readFileSync(new URL("../../examples/resource-server/server.ts", import.meta.url), "utf8").split("\n");
  assert.ok(sample.length >= 8);
  let at = 0;
  for (const line of sample) {
    at = example.indexOf(line, at);
    assert.ok(at >= 0, `not in examples/resource-server/server.ts (in this order): ${line}`);
    at++;
  }
  assert.ok(sample.includes('import { clientCredentialsCallerToken, createTokenValidator, requireToken } from "portcullis/resource-server";'));
});
