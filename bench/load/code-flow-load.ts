/**
 * Authorization code flow load: `connections` workers, each with its own keep-alive connection (node:http agent
 * with one socket), run whole flows back to back for a fixed duration — PAR → GET authorize with the signed-in
 * browser's session cookie → token request (lib/code-flow.ts). One "request" of the result is one complete flow;
 * latency is per flow. Run as its own (pinned) process by spawn-load.ts; prints one LoadResult line.
 */
import http from "node:http";
import { codeFlow, STEP_NAMES, type CodeFlowSpec, type StepTimes } from "../lib/code-flow.js";
import { quantileSorted } from "../lib/stats.js";
import { openWindow, loadOptions, report, type CommonLoadOptions } from "./load-result.js";

export interface CodeFlowLoadOptions extends CommonLoadOptions {
  flow: CodeFlowSpec;
  connections: number;
}

const MAX_SAMPLES = 1_000_000;

const options = loadOptions<CodeFlowLoadOptions>();
const flowLatencies = new Float64Array(MAX_SAMPLES);
const stepLatencies = STEP_NAMES.map(() => new Float64Array(MAX_SAMPLES));
let samples = 0;
let ok = 0;
let failed = 0;
let firstError: string | undefined;
const loadWindow = openWindow(options);
const started = performance.now();
const endAt = started + options.durationSec * 1000;

async function worker(): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: StepTimes = [0, 0, 0];
  while (performance.now() < endAt) {
    const t0 = performance.now();
    try {
      await codeFlow(agent, options.flow, times);
    } catch (error) {
      failed++;
      firstError ??= (error as Error).message;
      continue;
    }
    ok++;
    if (samples < MAX_SAMPLES) {
      flowLatencies[samples] = performance.now() - t0;
      times.forEach((ms, step) => (stepLatencies[step]![samples] = ms));
      samples++;
    }
  }
  agent.destroy();
}

await Promise.all(Array.from({ length: options.connections }, worker));
const durationSec = (performance.now() - started) / 1000;
const closed = loadWindow();
const percentiles = (values: Float64Array) => {
  const sorted = values.subarray(0, samples).sort();
  return { p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99) };
};
const steps = Object.fromEntries(STEP_NAMES.map((name, i) => [name, percentiles(stepLatencies[i]!)]));
report({ ok, failed, durationSec, rps: ok / durationSec, ...percentiles(flowLatencies), ...closed, firstError, steps });
