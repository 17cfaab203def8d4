import { setTimeout as sleep } from "node:timers/promises";
import { coreTicks } from "./cpu-usage.js";

/** Busy % of each listed core over `sampleMs`. */
async function coreBusy(cores: number[], sampleMs: number): Promise<number[]> {
  const before = coreTicks();
  await sleep(sampleMs);
  const after = coreTicks();
  return cores.map((core) => (100 * (after[core]!.busy - before[core]!.busy)) / Math.max(1, after[core]!.total - before[core]!.total));
}

/**
 * Waits (at most `maxWaitMs`) until the bench cores are idle — between runs nothing of ours runs, so what is
 * busy then is another process on a shared machine. Returns the busy % last seen, one per core.
 */
export async function waitForQuiet(cores: number[], options: { thresholdPct: number; maxWaitMs: number; sampleMs?: number }): Promise<number[]> {
  const sampleMs = options.sampleMs ?? 500;
  const deadline = Date.now() + options.maxWaitMs;
  let busy = await coreBusy(cores, sampleMs);
  for (let i = 0; i < 1_000 && Date.now() < deadline && busy.some((pct) => pct > options.thresholdPct); i++) busy = await coreBusy(cores, sampleMs);
  return busy;
}
