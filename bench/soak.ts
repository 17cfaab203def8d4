/**
 * `npm run soak` (SOAK_MINUTES, default 10; SOAK_WINDOW_SECONDS, default 20): a mixed load on one Portcullis server
 * (compiled, SQLite, in-memory ephemeral state; on core 0, loads on core 1) — client_credentials tokens, whole code
 * flows, introspection, gRPC ValidateToken and token revocation, all at once — in back-to-back windows. After each
 * window it samples the server's RSS, V8 heap, ephemeral store entries (portcullis_ephemeral_keys) and every load's
 * successes and failures. Prints the table and writes the "soak" section of bench/RESULTS.md and .bench-tmp/soak.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnLoad } from "./load/spawn-load.js";
import type { LoadResult } from "./load/load-result.js";
import { heapMiB } from "./lib/memory-sampler.js";
import { heapProbeFlags } from "./lib/heap-probe-flags.js";
import { Children, rssMiB } from "./lib/processes.js";
import { h2loadArgs, hasH2load, httpLoadScript, introspectionLoad, writeValidateTokenRequest } from "./lib/request-scenarios.js";
import { writeSection } from "./lib/results-file.js";
import { FULL, INTROSPECTION, TOKEN_REQUEST } from "./lib/settings.js";
import { requestToken, tokenHeaders } from "./lib/token-request.js";
import { portcullisTarget } from "./targets/portcullis.js";

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const windowSec = Number(process.env.SOAK_WINDOW_SECONDS ?? 20);
if (!(minutes > 0) || !(windowSec >= 5)) throw new Error("SOAK_MINUTES must be > 0 and SOAK_WINDOW_SECONDS ≥ 5");
/** Concurrency of each load: modest, since five loads share the load core. */
const CONNECTIONS = { token: 8, introspect: 8, code: 8, revoke: 4, grpcConnections: 4, grpcStreams: 4 } as const;
/** Access-token lifetime: stored opaque tokens and revocation entries live this long, so the ephemeral store levels off after it. */
const TOKEN_TTL_SEC = 120;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmpDir = join(repoRoot, ".bench-tmp");
const heapDir = join(tmpDir, "heap");
const children = new Children();
const say = (text: string) => process.stdout.write(`${text}\n`);

/** One sample: the server after a window, and what each load did in it. */
interface Sample {
  atSec: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  ephemeralKeys: number;
  loads: Record<string, { ok: number; failed: number; rps: number; firstError?: string }>;
}

/** portcullis_ephemeral_keys from the server's metrics listener (its URL is in the start-up line of its log, the last one: logs are appended). */
async function ephemeralKeys(logFile: string): Promise<number> {
  const url = [...readFileSync(logFile, "utf8").matchAll(/metrics on (http:\/\/\S+\/metrics)/g)].at(-1)?.[1];
  if (!url) return Number.NaN;
  const text = await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();
  return Number(/^portcullis_ephemeral_keys (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

/** The Markdown section: settings, the samples and a verdict on growth. */
function section(samples: Sample[], loadNames: string[]): string {
  const header = ["t (s)", "RSS MiB", "heap used MiB", "heap total MiB", "ephemeral keys", ...loadNames.map((n) => `${n} ok/failed`)];
  const rows = samples.map((s) => [String(s.atSec), fixed(s.rssMiB), fixed(s.heapUsedMiB), fixed(s.heapTotalMiB), fixed(s.ephemeralKeys), ...loadNames.map((n) => `${s.loads[n]?.ok ?? 0}/${s.loads[n]?.failed ?? 0}`)]);
  const failed = samples.reduce((sum, s) => sum + Object.values(s.loads).reduce((a, l) => a + l.failed, 0), 0);
  const ok = samples.reduce((sum, s) => sum + Object.values(s.loads).reduce((a, l) => a + l.ok, 0), 0);
  const half = samples.slice(Math.floor(samples.length / 2));
  const rss = samples.map((s) => s.rssMiB);
  const errors = [...new Set(samples.flatMap((s) => Object.entries(s.loads).flatMap(([n, l]) => (l.firstError ? [`${n}: ${l.firstError}`] : []))))];
  return [
    `## Soak (\`npm run soak\`)`,
    "",
    `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${minutes} min in ${windowSec} s windows; one Portcullis (compiled, SQLite, in-memory ephemeral state) on core 0, all loads at once on core 1: ` +
      `tokens (${CONNECTIONS.token} connections), code flows (${CONNECTIONS.code} workers), introspection (${CONNECTIONS.introspect} connections), ValidateToken (${CONNECTIONS.grpcConnections} × ${CONNECTIONS.grpcStreams} streams), token + revocation pairs (${CONNECTIONS.revoke} workers); access tokens live ${TOKEN_TTL_SEC} s, so stored opaque tokens and revocations level off after that. ` +
      "Request counts depend on the machine and on what else runs on it; memory is what this section is about.",
    "",
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    `RSS first ${fixed(rss[0]!)} MiB, max ${fixed(Math.max(...rss))} MiB, last ${fixed(rss.at(-1)!)} MiB; second half min–max ${fixed(Math.min(...half.map((s) => s.rssMiB)))}–${fixed(Math.max(...half.map((s) => s.rssMiB)))} MiB. ` +
      `Heap used second half ${fixed(Math.min(...half.map((s) => s.heapUsedMiB)))}–${fixed(Math.max(...half.map((s) => s.heapUsedMiB)))} MiB. ${ok} requests/flows ok, ${failed} failed.`,
    ...(errors.length > 0 ? ["", "First failures:", ...errors.slice(0, 10).map((e) => `- ${e}`)] : []),
  ].join("\n");
}

async function main(): Promise<void> {
  mkdirSync(heapDir, { recursive: true });
  process.env.BENCH_HEAP_DIR = heapDir;
  const context = { repoRoot, tmpDir, children, core: FULL.serverCore, nodeFlags: heapProbeFlags(repoRoot) };
  const target = await portcullisTarget("soak", undefined, {}, undefined, { tokenTtlSec: TOKEN_TTL_SEC }).start(context);
  const httpScript = httpLoadScript(say);
  const flow = await target.signInForCodeFlow!();
  const common = { serverPid: target.pid, serverCore: FULL.serverCore, loadCore: FULL.loadCore, durationSec: windowSec };
  const run = (script: string, args: object): Promise<LoadResult> =>
    spawnLoad(children, { repoRoot, script, core: FULL.loadCore, timeoutMs: windowSec * 1000 + 60_000, args: { ...common, ...args } });
  /** ValidateToken of a fresh token by a fresh caller each window (tokens live TOKEN_TTL_SEC). */
  const validate = async () => {
    const callerToken = await requestToken(target.baseUrl, target.client, "grant_type=client_credentials&scope=portcullis%3Avalidate");
    const requestFile = writeValidateTokenRequest(join(tmpDir, "soak-request.bin"), await requestToken(target.baseUrl, target.client));
    return run("bench/load/h2load-grpc-load.ts", h2loadArgs(tmpDir, "soak", target.grpcAddress!, requestFile, { connections: CONNECTIONS.grpcConnections, streams: CONNECTIONS.grpcStreams }, callerToken));
  };
  const loads: Record<string, () => Promise<LoadResult>> = {
    token: () => run(httpScript, { url: `${target.baseUrl}${TOKEN_REQUEST.path}`, connections: CONNECTIONS.token, headers: tokenHeaders(target.client), body: TOKEN_REQUEST.body, scriptFile: join(tmpDir, "soak-token.lua") }),
    code: () => run("bench/load/code-flow-load.ts", { flow, connections: CONNECTIONS.code }),
    introspect: async () => run(httpScript, await introspectionLoad(target.baseUrl, "/introspect", target.client, CONNECTIONS.introspect, join(tmpDir, "soak-introspect.lua"))),
    ...(hasH2load(say) && { validate }),
    revoke: () => run("bench/load/revocation-load.ts", { baseUrl: target.baseUrl, client: target.client, tokenBody: INTROSPECTION.tokenBody, connections: CONNECTIONS.revoke }),
  };
  const names = Object.keys(loads);
  const samples: Sample[] = [];
  const started = performance.now();
  say(`soak: ${minutes} min in ${windowSec} s windows; loads ${names.join(", ")}`);
  while (performance.now() - started < minutes * 60_000) {
    const results = await Promise.all(names.map((name) => loads[name]!().catch((error: Error) => ({ ok: 0, failed: 1, rps: 0, firstError: error.message }) as Pick<LoadResult, "ok" | "failed" | "rps" | "firstError">)));
    const heap = heapMiB(heapDir, target.pid);
    const sample: Sample = {
      atSec: Math.round((performance.now() - started) / 1000),
      rssMiB: rssMiB(target.pid),
      heapUsedMiB: heap?.heapUsedMiB ?? Number.NaN,
      heapTotalMiB: heap?.heapTotalMiB ?? Number.NaN,
      ephemeralKeys: await ephemeralKeys(target.logFile),
      loads: Object.fromEntries(names.map((name, i) => [name, { ok: results[i]!.ok, failed: results[i]!.failed, rps: results[i]!.rps, ...(results[i]!.firstError && { firstError: results[i]!.firstError }) }])),
    };
    samples.push(sample);
    say(`  t=${sample.atSec}s RSS ${fixed(sample.rssMiB)} MiB heap ${fixed(sample.heapUsedMiB)}/${fixed(sample.heapTotalMiB)} MiB ephemeral keys ${sample.ephemeralKeys} ${names.map((n) => `${n} ${sample.loads[n]!.ok}/${sample.loads[n]!.failed}`).join(" ")}`);
  }
  await target.stop();
  writeFileSync(join(tmpDir, "soak.json"), `${JSON.stringify({ minutes, windowSec, connections: CONNECTIONS, samples }, null, 2)}\n`);
  const markdown = section(samples, names);
  writeSection(join(repoRoot, "bench", "RESULTS.md"), "soak", markdown);
  say(`\n${markdown}\n\nwritten: bench/RESULTS.md (soak section), .bench-tmp/soak.json`);
}

const deadline = setTimeout(() => void children.stopAll().finally(() => process.exit(1)), minutes * 60_000 + 10 * 60_000);
deadline.unref();
process.on("exit", () => children.killAllNow());
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void children.stopAll().finally(() => process.exit(130)));
main().then(
  async () => {
    await children.stopAll();
    process.exit(0);
  },
  async (error: unknown) => {
    process.stderr.write(`soak failed: ${(error as Error)?.stack ?? String(error)}\n`);
    await children.stopAll();
    process.exit(1);
  },
);
