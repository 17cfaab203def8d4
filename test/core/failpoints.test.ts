import assert from "node:assert/strict";
import { test } from "node:test";
import { armedFailpoints, failpoint } from "../../src/core/failpoints.js";

test("failpoints: none armed by default, and then failpoint() does nothing", () => {
  assert.deepEqual([...armedFailpoints({})], []);
  assert.deepEqual([...armedFailpoints({ PORTCULLIS_FAILPOINTS: " , " })], []);
  assert.equal(failpoint("after-code-consume"), undefined, "this process armed none, so it is still alive");
});

test("failpoints: a comma-separated list of known names under NODE_ENV=test", () => {
  assert.deepEqual([...armedFailpoints({ NODE_ENV: "test", PORTCULLIS_FAILPOINTS: "after-code-consume, after-refresh-rotation" })], ["after-code-consume", "after-refresh-rotation"]);
});

test("failpoints: refused outside NODE_ENV=test, and unknown names fail the start", () => {
  assert.throws(() => armedFailpoints({ PORTCULLIS_FAILPOINTS: "after-token-insert" }), /test builds only: it needs NODE_ENV=test/);
  assert.throws(() => armedFailpoints({ NODE_ENV: "production", PORTCULLIS_FAILPOINTS: "after-token-insert" }), /NODE_ENV=test/);
  assert.throws(() => armedFailpoints({ NODE_ENV: "test", PORTCULLIS_FAILPOINTS: "after-token-insert,after-lunch" }), /unknown failpoint after-lunch/);
});
