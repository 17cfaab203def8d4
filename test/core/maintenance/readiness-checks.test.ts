import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../../src/config/config.js";
import type { KeyService } from "../../../src/core/keys/key-service.js";
import { ReadinessChecks } from "../../../src/core/maintenance/readiness-checks.js";
import type { EphemeralStore } from "../../../src/core/ports/ephemeral-store.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { HealthEndpoint } from "../../../src/transport/http/endpoints/health.endpoint.js";
import { ReadinessEndpoint } from "../../../src/transport/http/endpoints/readiness.endpoint.js";
import { silentLogger } from "../../integration/storage/services.js";

const config = loadConfig({}, { issuer: "https://id.example.test" });
const answering = async () => undefined;
const hanging = () => new Promise<void>(() => undefined);
const withKeys = (active: boolean) => ({ activeKey: () => (active ? {} : assert.fail("no active signing key")) }) as unknown as KeyService;

function checks(parts: { database?: () => Promise<void>; ephemeral?: () => Promise<void>; keys?: boolean }): ReadinessChecks {
  return new ReadinessChecks({ ping: parts.database ?? answering } as DurableStorage, { ping: parts.ephemeral ?? answering } as EphemeralStore, withKeys(parts.keys ?? true), config);
}

describe("ReadinessChecks", () => {
  it("is ready when every dependency answers", async () => {
    const report = await checks({}).run();
    assert.deepEqual({ ready: report.ready, checks: report.checks }, { ready: true, checks: { database: "ok", ephemeral: "ok", signingKeys: "ok" } });
  });

  it("a dependency that never answers is a timeout after the bound, not a hang", async () => {
    const started = performance.now();
    const report = await checks({ ephemeral: hanging }).run(100);
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual(report.checks, { database: "ok", ephemeral: "timeout", signingKeys: "ok" });
    assert.equal(report.ready, false);
  });

  it("a failing dependency is unavailable, its error kept for the log only; a missing signing key is named", async () => {
    const report = await checks({ database: async () => Promise.reject(new Error("ECONNREFUSED 10.0.0.7:3306")), keys: false }).run();
    assert.deepEqual(report.checks, { database: "unavailable", ephemeral: "ok", signingKeys: "no active signing key" });
    assert.match(String(report.causes.database), /ECONNREFUSED/);
  });
});

describe("ReadinessEndpoint", () => {
  it("answers 503 draining once shutdown began, without running the checks", async () => {
    const health = new HealthEndpoint();
    let databaseChecks = 0;
    const endpoint = new ReadinessEndpoint(health, checks({ database: async () => void databaseChecks++ }), silentLogger);
    assert.equal((await endpoint.handle()).status, 200);
    health.drain();
    assert.deepEqual(await endpoint.handle(), { status: 503, headers: { "cache-control": "no-store" }, body: { status: "draining" } });
    assert.deepEqual(await health.handle(), { status: 503, headers: { "cache-control": "no-store" }, body: { status: "draining" } });
    assert.equal(databaseChecks, 1);
  });
});
