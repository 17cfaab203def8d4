/**
 * HTTP/1.1 load from wrk (one thread, N keep-alive connections, no pipelining), the same POST on every request, for a
 * fixed duration; lighter on the load core than autocannon, so the server stays the limit. A generated Lua script
 * sets the request, counts answers whose body differs from `expectBody` (when given) and prints the summary as JSON.
 * Run as its own (pinned) process by spawn-load.ts; prints one LoadResult line.
 */
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import type { HttpLoadOptions } from "./http-load.js";
import { openWindow, loadOptions, report } from "./load-result.js";

export interface WrkLoadOptions extends HttpLoadOptions {
  /** Where the generated Lua script goes (deleted after the run). */
  scriptFile: string;
}

const options = loadOptions<WrkLoadOptions>();
const lua = (value: string) => JSON.stringify(value); // a JSON string of ASCII is a valid Lua string literal
const script = `
wrk.method = "POST"
wrk.body = ${lua(options.body)}
${Object.entries(options.headers).map(([name, value]) => `wrk.headers[${lua(name)}] = ${lua(value)}`).join("\n")}
local expected = ${options.expectBody === undefined ? "nil" : lua(options.expectBody)}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) mismatches = 0 end
${options.expectBody === undefined ? "" : "function response(status, headers, body) if body ~= expected then mismatches = mismatches + 1 end end"}
function done(summary, latency, requests)
  local m = 0
  for _, thread in ipairs(threads) do m = m + (thread:get("mismatches") or 0) end
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"durationUs":%d,"non2xx":%d,"errors":%d,"timeouts":%d,"mismatches":%d,"p50Us":%d,"p99Us":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout, m, latency:percentile(50), latency:percentile(99)))
end
`;
if (!/^[\x20-\x7e\s]*$/.test(script)) throw new Error("wrk-load takes ASCII request bodies and headers only");
writeFileSync(options.scriptFile, script);
const loadWindow = openWindow(options);
const { stdout } = await promisify(execFile)("wrk", ["-t1", `-c${options.connections}`, `-d${options.durationSec}s`, "--timeout", "10s", "-s", options.scriptFile, options.url], { maxBuffer: 1 << 20 });
const closed = loadWindow();
rmSync(options.scriptFile, { force: true });
const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
if (!line) throw new Error(`wrk printed no result: ${stdout.slice(0, 500)}`);
const r = JSON.parse(line.slice(7)) as { requests: number; durationUs: number; non2xx: number; errors: number; timeouts: number; mismatches: number; p50Us: number; p99Us: number };
const failed = r.non2xx + r.errors + r.timeouts + r.mismatches;
const ok = r.requests - r.non2xx - r.mismatches;
const durationSec = r.durationUs / 1e6;
report({ ok, failed, durationSec, rps: ok / durationSec, p50: r.p50Us / 1000, p99: r.p99Us / 1000, ...closed, firstError: r.mismatches > 0 ? `${r.mismatches} answers differed from the expected body` : undefined });
