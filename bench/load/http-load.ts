/**
 * HTTP load: autocannon with N keep-alive connections, no pipelining, the same POST on every request, for a
 * fixed duration. Run as its own (pinned) process by spawn-load.ts; prints one LoadResult line.
 */
import autocannon from "autocannon";
import { openWindow, loadOptions, report, type CommonLoadOptions } from "./load-result.js";

export interface HttpLoadOptions extends CommonLoadOptions {
  url: string;
  connections: number;
  headers: Record<string, string>;
  body: string;
  /** When set, an answer whose body differs counts as failed (a constant answer, e.g. introspection of one token). */
  expectBody?: string;
}

const options = loadOptions<HttpLoadOptions>();
const loadWindow = openWindow(options);
const result = await autocannon({
  url: options.url,
  method: "POST",
  headers: options.headers,
  body: options.body,
  connections: options.connections,
  pipelining: 1,
  duration: options.durationSec,
  timeout: 10,
  ...(options.expectBody !== undefined && { expectBody: options.expectBody }),
});
const ok = result["2xx"] - result.mismatches;
report({
  ok,
  failed: result.non2xx + result.errors + result.timeouts + result.mismatches,
  durationSec: result.duration,
  rps: ok / result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  ...loadWindow(),
});
