import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import jsonLinesFile from "../../../plugins/audit/json-lines-file/index.js";
import { JsonLinesFileAuditSink } from "../../../plugins/audit/json-lines-file/json-lines-file.audit-sink.js";
import { buildRegistries } from "../../../src/plugin-host/plugin-registries.js";
import { PluginBootError } from "../../../src/plugin-host/plugin-loader.js";
import type { AuditEvent } from "../../../src/plugin-sdk/audit.js";

const event = (n: number): AuditEvent => ({ type: "client.deleted", clientId: `c${n}`, source: "operator", at: "2026-01-01T00:00:00.000Z" });

describe("audit.json-lines-file", () => {
  it("contributes a sink only when given a path; a path that is not a non-empty string fails the boot naming the plugin", () => {
    assert.equal(buildRegistries([jsonLinesFile], {}).auditSinks.length, 0);
    assert.equal(buildRegistries([jsonLinesFile], { "audit.json-lines-file": { path: "/tmp/x.jsonl" } }, (_m, options) => new JsonLinesFileAuditSink(options)).auditSinks.length, 1);
    for (const path of [5, "", ["a"]]) {
      assert.throws(() => buildRegistries([jsonLinesFile], { "audit.json-lines-file": { path } }), (e) => e instanceof PluginBootError && /plugin audit\.json-lines-file: option "path"/.test(e.message));
    }
  });

  it("appends one line per event, in order, after what the file held", async () => {
    const dir = await mkdtemp(join(tmpdir(), "portcullis-jsonl-"));
    try {
      const path = join(dir, "audit.jsonl");
      await writeFile(path, '{"earlier":true}\n');
      const sink = new JsonLinesFileAuditSink({ path });
      await Promise.all([1, 2, 3, 4, 5].map((n) => sink.record(event(n))));
      const lines = (await readFile(path, "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(lines.map((l) => l.clientId ?? "earlier"), ["earlier", "c1", "c2", "c3", "c4", "c5"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a failed write rejects that event only; the same sink writes later events", async () => {
    const dir = await mkdtemp(join(tmpdir(), "portcullis-jsonl-"));
    try {
      const path = join(dir, "missing", "a.jsonl");
      const sink = new JsonLinesFileAuditSink({ path });
      await assert.rejects(sink.record(event(1)), { code: "ENOENT" });
      await mkdir(join(dir, "missing"));
      await sink.record(event(2));
      assert.deepEqual((await readFile(path, "utf8")).trimEnd().split("\n").map((line) => (JSON.parse(line) as { clientId: string }).clientId), ["c2"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
