import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { AuditEvent } from "../../../src/plugin-sdk/audit.js";
import { cli, cliJson } from "../../support/spawned-server.js";

/** Operator actions through the CLI reach the JSON Lines audit file before the CLI exits (README "Audit events"). */
const dir = mkdtempSync(join(tmpdir(), "portcullis-cli-audit-"));
const auditFile = join(dir, "audit.jsonl");
const env = { DATABASE_URL: `sqlite:${join(dir, "db.sqlite")}`, PLUGIN_OPTIONS: JSON.stringify({ "audit.json-lines-file": { path: auditFile } }) };
after(() => rmSync(dir, { recursive: true, force: true }));

test("client create/update/delete, keys rotate and user disable are audited, with no secret in the file", async () => {
  const created = await cliJson<{ client_id: string; client_secret: string }>(env, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials"] }));
  assert.equal((await cli(env, "client", "update", "--client", created.client_id, "--json", JSON.stringify({ grant_types: ["client_credentials"], client_name: "renamed" }))).code, 0);
  assert.equal((await cli(env, "client", "delete", "--client", created.client_id)).code, 0);
  const keys = await cliJson<{ kid: string; alg: string; status: string }[]>(env, "keys", "rotate", "--alg", "ES256");
  assert.equal((await cli(env, "user", "create", "--username", "bob", "--password", "bob-password-1")).code, 0);
  assert.equal((await cli(env, "user", "disable", "--username", "bob")).code, 0);

  const text = readFileSync(auditFile, "utf8");
  assert.ok(!text.includes(created.client_secret) && !text.includes("bob-password-1"), "a secret is in the audit file");
  const events = text.trimEnd().split("\n").map((line) => JSON.parse(line) as AuditEvent & Record<string, unknown>);
  const operatorChanges = events.filter((e) => e.type.startsWith("client.")).map(({ type, clientId, source }) => ({ type, clientId, source }));
  assert.deepEqual(operatorChanges, ["client.registered", "client.updated", "client.deleted"].map((type) => ({ type, clientId: created.client_id, source: "operator" })));
  const active = keys.find((k) => k.alg === "ES256" && k.status === "active")!;
  assert.deepEqual(events.filter((e) => e.type === "signing-key.rotated").map(({ alg, kid }) => ({ alg, kid })), [{ alg: "ES256", kid: active.kid }]);
  assert.deepEqual(events.filter((e) => e.type === "user.disabled").map(({ username }) => username), ["bob"]);
  assert.ok(events.every((e) => e.requestId === undefined), "CLI events belong to no request");
});
