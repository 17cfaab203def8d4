import type { LoadResult } from "../load/load-result.js";
import type { CpuUsage } from "./cpu-usage.js";
import { sampleMemory, type MemoryPeaks } from "./memory-sampler.js";
import { waitForQuiet } from "./quiet.js";
import type { BenchSettings } from "./settings.js";
import { median } from "./stats.js";

/** One thing to load: a target's token endpoint or its gRPC ValidateToken. */
export interface Scenario {
  /** Key in the report, e.g. "portcullis" or "portcullis gRPC". */
  id: string;
  serverPid: number;
  run(durationSec: number): Promise<LoadResult>;
}

/** One measured run: the load's result plus the peaks of the server's RSS and heap during it. */
export interface RunResult extends LoadResult, MemoryPeaks {
  /** Attempts it took (more than one when other processes disturbed the first). */
  attempts: number;
}

/** Medians over the runs (failed is the total). */
export interface Summary {
  runs: RunResult[];
  rps: number;
  p50: number;
  p99: number;
  rssMiB: number;
  heapUsedMiB: number;
  cpu: CpuUsage;
  failed: number;
  /** Per-step latency medians of multi-request scenarios (the code flow). */
  steps?: Record<string, { p50: number; p99: number }>;
}

/** CPU that other processes took from the bench cores during a run (%, the worse core). */
export const disturbance = (run: LoadResult) => Math.max(run.cpu.otherOnServerCore, run.cpu.otherOnLoadCore);

/**
 * Waits for quiet cores, runs a scenario while sampling the server's VmRSS and heap (bench/targets/heap-probe.mjs
 * writes the heap into `heapDir`); a disturbed run is redone up to `settings.retries` times and the least disturbed attempt kept.
 */
export async function measureRun(scenario: Scenario, settings: BenchSettings, heapDir: string): Promise<RunResult> {
  let best: RunResult | undefined;
  for (let attempt = 1; attempt <= settings.retries + 1; attempt++) {
    await waitForQuiet([settings.serverCore, settings.loadCore], { thresholdPct: settings.quietPct, maxWaitMs: settings.quietMaxWaitMs });
    const peaks = sampleMemory(scenario.serverPid, heapDir);
    const result = { ...(await scenario.run(settings.runSeconds)), ...peaks(), attempts: attempt };
    if (!best || disturbance(result) < disturbance(best)) best = result;
    if (disturbance(result) <= settings.quietPct) break;
  }
  return best!;
}

/** A number for humans; "-" for NaN (JSON turns it into null) or a missing value. */
const fmt = (value: number | null | undefined, digits: number) => (typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "-");

export function describeRun(run: LoadResult & Partial<Pick<RunResult, "rssMiB" | "heapUsedMiB" | "attempts">>): string {
  const { cpu } = run;
  return [
    `${fmt(run.rps, 0)} ${run.steps ? "flows" : "req"}/s`,
    `p50 ${fmt(run.p50, 1)} ms`,
    `p99 ${fmt(run.p99, 1)} ms`,
    ...(run.rssMiB === undefined ? [] : [`RSS ${fmt(run.rssMiB, 0)} MiB heap ${fmt(run.heapUsedMiB, 0)} MiB`]),
    `CPU server ${fmt(cpu.server, 0)} % load ${fmt(cpu.load, 0)} % others ${fmt(cpu.otherOnServerCore, 0)}/${fmt(cpu.otherOnLoadCore, 0)} %`,
    ...(run.steps ? [`steps p50 ${Object.entries(run.steps).map(([name, step]) => `${name} ${fmt(step.p50, 1)}`).join(" / ")} ms`] : []),
    ...(run.failed ? [`${run.failed} FAILED${run.firstError ? ` (first: ${run.firstError})` : ""}`] : []),
    ...((run.attempts ?? 1) > 1 ? [`attempt ${run.attempts}`] : []),
  ].join(", ");
}

export function summarize(runs: RunResult[]): Summary {
  const of = (pick: (run: RunResult) => number) => median(runs.map(pick));
  return {
    runs,
    rps: of((r) => r.rps),
    p50: of((r) => r.p50),
    p99: of((r) => r.p99),
    rssMiB: of((r) => r.rssMiB),
    heapUsedMiB: of((r) => r.heapUsedMiB),
    cpu: {
      server: of((r) => r.cpu.server),
      load: of((r) => r.cpu.load),
      otherOnServerCore: of((r) => r.cpu.otherOnServerCore),
      otherOnLoadCore: of((r) => r.cpu.otherOnLoadCore),
    },
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
    ...(runs[0]?.steps ? { steps: stepMedians(runs) } : {}),
  };
}

/** Medians over the runs of each step's p50 and p99. */
function stepMedians(runs: RunResult[]): Record<string, { p50: number; p99: number }> {
  const names = Object.keys(runs[0]!.steps!);
  const of = (name: string, key: "p50" | "p99") => median(runs.map((r) => r.steps?.[name]?.[key] ?? Number.NaN));
  return Object.fromEntries(names.map((name) => [name, { p50: of(name, "p50"), p99: of(name, "p99") }]));
}
