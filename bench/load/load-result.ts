/** What one load run reports (one JSON line on the load process's stdout). */
export interface LoadResult {
  /** Successful requests (HTTP 2xx with a token / gRPC OK with active=true). */
  ok: number;
  /** Everything else: non-2xx, transport errors, timeouts, inactive answers. */
  failed: number;
  durationSec: number;
  /** ok / durationSec. */
  rps: number;
  /** Latency of successful requests (ms). */
  p50: number;
  p99: number;
}

/** Reads the options JSON a load process gets as its only argument. */
export function loadOptions<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error("usage: <load script> '<options JSON>'");
  return JSON.parse(raw) as T;
}

/** Writes the result line and exits (so no lingering handle keeps the load process alive). */
export function report(result: LoadResult): never {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
