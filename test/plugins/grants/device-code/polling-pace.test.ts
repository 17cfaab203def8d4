import assert from "node:assert/strict";
import { test } from "node:test";
import { PollingPace } from "../../../../plugins/grants/device-code/polling-pace.js";
import { memorySingleUseStore } from "../../../../src/plugin-sdk/testing/index.js";
import { FakeClock } from "../../../support/fake-clock.js";

const RETAIN = 1_200_000;

function pace(baseSeconds = 5) {
  const clock = new FakeClock();
  return { clock, pace: new PollingPace(memorySingleUseStore(() => clock.now()), baseSeconds) };
}

test("polls at least the interval apart are admitted (RFC 8628 §3.5)", async () => {
  const { clock, pace: p } = pace();
  assert.equal(await p.admit("d1", RETAIN), true);
  clock.advance(5_000);
  assert.equal(await p.admit("d1", RETAIN), true);
  clock.advance(5_000);
  assert.equal(await p.admit("d1", RETAIN), true);
});

test("a poll inside the interval is refused, and each refusal adds 5 s to that device code's interval for good", async () => {
  const { clock, pace: p } = pace();
  assert.equal(await p.admit("d1", RETAIN), true);
  clock.advance(4_999);
  assert.equal(await p.admit("d1", RETAIN), false); // interval is now 10 s, counted from this poll
  clock.advance(9_999);
  assert.equal(await p.admit("d1", RETAIN), false); // 15 s from here
  clock.advance(15_000);
  assert.equal(await p.admit("d1", RETAIN), true);
  clock.advance(14_999);
  assert.equal(await p.admit("d1", RETAIN), false, "the longer interval stays");
  clock.advance(20_000);
  assert.equal(await p.admit("d1", RETAIN), true);
});

test("the interval belongs to one device code", async () => {
  const { pace: p } = pace();
  assert.equal(await p.admit("d1", RETAIN), true);
  assert.equal(await p.admit("d1", RETAIN), false);
  assert.equal(await p.admit("d2", RETAIN), true);
});

test("of concurrent polls inside one interval exactly one is admitted", async () => {
  const { pace: p } = pace();
  const results = await Promise.all(Array.from({ length: 10 }, () => p.admit("d1", RETAIN)));
  assert.equal(results.filter(Boolean).length, 1);
});
