import { cpuSnapshot, cpuUsage, type CpuUsage } from "../lib/cpu-usage.js";

/** What every load script gets besides its own options. */
export interface CommonLoadOptions {
  durationSec: number;
  /** The server's pid and core, and this process's core, for the CPU accounting. */
  serverPid: number;
  serverCore: number;
  loadCore: number;
}

/** What one load run reports (one JSON line on the load process's stdout). */
export interface LoadResult {
  /** Successful requests (HTTP 2xx with a token / gRPC OK with active=true / complete code flows). */
  ok: number;
  /** Everything else: non-2xx, transport errors, timeouts, inactive answers. */
  failed: number;
  durationSec: number;
  /** ok / durationSec. */
  rps: number;
  /** Latency of successful requests (ms). */
  p50: number;
  p99: number;
  /** Where the CPU went during the load window (server near 100 % = the server is the limit). */
  cpu: CpuUsage;
  /** The first failure seen, for diagnosis (gRPC: status and message, or "inactive: <failure>"; code flow: the step's answer). */
  firstError?: string;
  /** Multi-request scenarios (the code flow): latency of each step of successful flows (ms). */
  steps?: Record<string, { p50: number; p99: number }>;
  /** The load window in µs of the monotonic clock (the time base of V8 CPU profiles). */
  startUs: number;
  endUs: number;
}

/** Reads the options JSON a load process gets as its only argument. */
export function loadOptions<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error("usage: <load script> '<options JSON>'");
  return JSON.parse(raw) as T;
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Opens the load window (CPU accounting and timestamps); call the result when the window closes. */
export function openWindow(options: CommonLoadOptions): () => Pick<LoadResult, "cpu" | "startUs" | "endUs"> {
  const start = cpuSnapshot(options.serverPid);
  const startUs = monotonicUs();
  return () => ({ cpu: cpuUsage(start, cpuSnapshot(options.serverPid), options.serverCore, options.loadCore), startUs, endUs: monotonicUs() });
}

/** Writes the result line and exits (so no lingering handle keeps the load process alive). */
export function report(result: LoadResult): never {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
