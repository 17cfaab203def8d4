import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import { TurnBatches } from "../../src/transport/turn-batches.js";

test("a lone call starts at once, in the caller's turn", () => {
  const started: number[] = [];
  const { admit } = new TurnBatches((n: number) => started.push(n));
  admit(1);
  assert.deepEqual(started, [1]);
});

test("calls made while a turn is busy start later, first come first served, at most perTurn per turn", async () => {
  const started: number[] = [];
  const { admit } = new TurnBatches((n: number) => started.push(n), { perTurn: 3 });
  for (let n = 1; n <= 8; n++) admit(n);
  assert.deepEqual(started, [1], "only the first call of the turn starts at once");
  await nextTurn();
  assert.deepEqual(started, [1, 2, 3, 4]);
  await nextTurn();
  assert.deepEqual(started, [1, 2, 3, 4, 5, 6, 7]);
  admit(9);
  assert.deepEqual(started, [1, 2, 3, 4, 5, 6, 7], "a call behind a queue waits its turn even when nothing started in this one");
  await nextTurn();
  assert.deepEqual(started, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("a turn in which the listener accepted a connection starts the smaller batch, so the next accept comes sooner", async () => {
  const started: number[] = [];
  const batches = new TurnBatches((n: number) => started.push(n), { perTurn: 4, perAcceptingTurn: 1 });
  for (let n = 1; n <= 7; n++) batches.admit(n);
  batches.connectionAccepted();
  await nextTurn();
  assert.deepEqual(started, [1, 2], "the accepting turn started one queued call");
  await nextTurn();
  assert.deepEqual(started, [1, 2, 3, 4, 5, 6], "the next turn, which accepted none, started the full batch");
  await nextTurn();
  assert.deepEqual(started, [1, 2, 3, 4, 5, 6, 7]);
});

test("after the queue is empty, the next turn's first call starts at once again", async () => {
  const started: string[] = [];
  const { admit } = new TurnBatches((name: string) => started.push(name), { perTurn: 2 });
  admit("a");
  admit("b");
  await nextTurn();
  await nextTurn();
  admit("c");
  assert.deepEqual(started, ["a", "b", "c"]);
});

test("a start that throws is reported and the rest of its batch still starts", async () => {
  const started: number[] = [];
  const thrown: unknown[] = [];
  const { admit } = new TurnBatches(
    (n: number) => {
      if (n === 2) throw new Error("listener bug");
      started.push(n);
    },
    { perTurn: 4, onThrow: (error: unknown) => thrown.push(error) },
  );
  for (let n = 1; n <= 4; n++) admit(n);
  await nextTurn();
  assert.deepEqual(started, [1, 3, 4]);
  assert.equal((thrown[0] as Error).message, "listener bug");
  assert.equal(thrown.length, 1);
});

test("by default what a start threw is rethrown on the next tick, as a throwing request listener's would be", () => {
  const module = new URL("../../src/transport/turn-batches.ts", import.meta.url).href;
  const script = `import { TurnBatches } from ${JSON.stringify(module)}; new TurnBatches(() => { throw new Error("listener bug"); }).admit(); console.log("after admit");`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /after admit/, "the caller's turn finished before the rethrow");
  assert.match(run.stderr, /listener bug/);
});
