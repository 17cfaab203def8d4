/**
 * DPoP token load: like http-load.ts (autocannon, N keep-alive connections, the same client_credentials POST), but
 * every request carries a fresh DPoP proof of one key (RFC 9449 §5), so each answer is a DPoP-bound token. Run as
 * its own (pinned) process by spawn-load.ts; prints one LoadResult line.
 */
import autocannon from "autocannon";
import { DpopProver } from "../lib/dpop-prover.js";
import type { HttpLoadOptions } from "./http-load.js";
import { openWindow, loadOptions, report } from "./load-result.js";

const options = loadOptions<HttpLoadOptions>();
const prover = new DpopProver();
const loadWindow = openWindow(options);
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  pipelining: 1,
  duration: options.durationSec,
  timeout: 10,
  requests: [{ method: "POST", body: options.body, setupRequest: (request) => ({ ...request, headers: { ...options.headers, dpop: prover.proof("POST", options.url) } }) }],
});
const ok = result["2xx"];
report({
  ok,
  failed: result.non2xx + result.errors + result.timeouts,
  durationSec: result.duration,
  rps: ok / result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  ...loadWindow(),
});
