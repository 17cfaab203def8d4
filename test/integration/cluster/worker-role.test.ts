import assert from "node:assert/strict";
import { mock, test } from "node:test";
import { Registry } from "prom-client";
import { HousekeepingService } from "../../../src/core/maintenance/housekeeping.service.js";
import { startTestApp } from "../../support/test-app.js";

/** docs/decisions.md "Every core of one machine": periodic jobs run in exactly one process, the leader worker. */
for (const leader of [true, false]) {
  test(`a cluster worker that is ${leader ? "" : "not "}the leader ${leader ? "runs" : "skips"} housekeeping and key rotation, and opens no metrics listener`, async () => {
    const start = mock.method(HousekeepingService.prototype, "start");
    const registry = new Registry();
    const t = await startTestApp({ keyRotationInterval: "3600" }, { worker: { leader, metricsRegistry: registry } });
    try {
      assert.equal(start.mock.callCount(), leader ? 1 : 0);
      assert.equal(t.app.config.keyRotationInterval, leader ? 3600 : 0);
      assert.equal(t.metricsUrl, undefined, "the primary serves every worker's metrics");
      const served = await fetch(`${t.publicUrl}/.well-known/openid-configuration`);
      assert.equal(served.status, 200);
      assert.match(await registry.metrics(), /portcullis_http_requests_total\{endpoint="\/\.well-known\/openid-configuration",status="200"\} 1/);
    } finally {
      start.mock.restore();
      await t.stop();
    }
  });
}
