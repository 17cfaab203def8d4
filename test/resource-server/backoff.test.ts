import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay, DEFAULT_BACKOFF } from "../../src/resource-server/backoff.js";

/** The reconnection schedule of the revocation stream (gRPC connection backoff: exponential, capped, jittered). */
describe("backoffDelay", () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.2 };

  it("grows exponentially from the initial delay up to the cap, without jitter at the middle draw", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(attempt, policy, () => 0.5)), [100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it("spreads each delay by ±jitter with the injected randomness", () => {
    assert.equal(backoffDelay(2, policy, () => 0), 320);
    assert.equal(backoffDelay(2, policy, () => 0.999999), 480);
    assert.equal(backoffDelay(9, policy, () => 0), 800);
  });

  it("defaults to gRPC's 1 s × 1.6 with ±20 % jitter, capped at 30 s", () => {
    assert.deepEqual([0, 1, 2].map((attempt) => backoffDelay(attempt, DEFAULT_BACKOFF, () => 0.5)), [1000, 1600, 2560]);
    assert.equal(backoffDelay(50, DEFAULT_BACKOFF, () => 0.5), 30_000);
  });
});
