/**
 * `npm run bench [-- --quick] [-- --profile] [-- --only portcullis,peer,floor,grpc-floor] [-- --scenarios token,grpc,code,introspect,sweep] [-- --candidate <checkout>] [-- --tsx] [-- --scaling]`
 * Loads client_credentials token issuance on Portcullis, node-oidc-provider and the node:http floor, gRPC
 * ValidateToken on Portcullis, and the browserless authorization code flow (PAR → authorize with an SSO session →
 * token) on Portcullis and node-oidc-provider; servers on core 0, load generator on core 1. Every target is started first,
 * then each gets a warm-up, then the measured runs go round-robin over the targets (so a noisy moment on a
 * shared machine hits every target alike). Prints medians and ratios and writes .bench-tmp/results.json.
 * See bench/README.md.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { spawnLoad } from "./load/spawn-load.js";
import type { CodeFlowLoadOptions } from "./load/code-flow-load.js";
import type { GrpcLoadOptions } from "./load/grpc-load.js";
import { summarizeProfiles, type Window } from "./lib/cpu-profile.js";
import { describeRun, measureRun, summarize, type RunResult, type Scenario, type Summary } from "./lib/measure.js";
import { heapProbeFlags } from "./lib/heap-probe-flags.js";
import { Children } from "./lib/processes.js";
import { h2loadArgs, hasH2load, httpLoadScript, introspectionLoad, writeValidateTokenRequest, type HttpLoadArgs } from "./lib/request-scenarios.js";
import { checkGoals } from "./lib/goals.js";
import { BENCH_SUMMARY, syncReadme, writeSection } from "./lib/results-file.js";
import { summaryMarkdown } from "./lib/results-markdown.js";
import { disturbed, formatReport, ratios } from "./lib/report.js";
import { scalingFigures, scalingSection, scalingTargets, SCALING_KINDS } from "./lib/scaling.js";
import { CODE_FLOW, FULL, QUICK, TOKEN_REQUEST, type BenchSettings } from "./lib/settings.js";
import { DpopProver } from "./lib/dpop-prover.js";
import { assertDpopBound, requestToken, tokenHeaders } from "./lib/token-request.js";
import { floorTarget } from "./targets/floor.js";
import { GRPC_FLOOR_ID, startGrpcFloor, type GrpcFloor } from "./targets/grpc-floor.js";
import { oidcProviderPeerTarget } from "./targets/oidc-provider-peer.js";
import { portcullisTarget } from "./targets/portcullis.js";
import type { RunningTarget, Target, TargetContext } from "./targets/target.js";

const GRPC_TOKEN_POOL = 64;
const GRPC_SUFFIX = " gRPC";
const CODE_SUFFIX = " code";
const DPOP_SUFFIX = " DPoP";
const INTROSPECT_SUFFIX = " introspect";
/** Sweep scenario ids: "<target> c<connections>". */
const sweepSuffix = (connections: number) => ` c${connections}`;
/** Proofs the gRPC DPoP load makes per second of load (each call needs its own); more than the server can answer. */
const GRPC_DPOP_PROOFS_PER_SECOND = 8_000;
/** The protected-resource request the gRPC DPoP proofs are for (RFC 9449 §7.1). */
const RESOURCE_REQUEST = { method: "GET", url: `${TOKEN_REQUEST.resource}data` } as const;
/**
 * Scenario kinds `--scenarios` selects from: client_credentials tokens, gRPC ValidateToken, the code flow, and the
 * first two with DPoP (a fresh proof per request, DPoP-bound tokens; RFC 9449).
 */
const SCENARIO_KINDS = ["token", "grpc", "code", "dpop", "grpc-dpop", "introspect", "sweep"] as const;

const { values } = parseArgs({
  options: { quick: { type: "boolean" }, profile: { type: "boolean" }, only: { type: "string" }, scenarios: { type: "string" }, candidate: { type: "string" }, tsx: { type: "boolean" }, "write-results": { type: "boolean" }, "no-quiet-wait": { type: "boolean" }, scaling: { type: "boolean" } },
});
const ours = portcullisTarget();
/** --candidate <dir>: another Portcullis checkout (e.g. a worktree with a change) measured round-robin with the rest. */
const candidate = values.candidate ? portcullisTarget("candidate", resolve(values.candidate)) : undefined;
/** --tsx: this checkout's sources run through tsx as well, to measure what the compiled build saves. */
const viaTsx = values.tsx ? portcullisTarget("portcullis-tsx", undefined, {}, undefined, { runner: "tsx" }) : undefined;
/** --scaling: Portcullis with WORKERS=1 and WORKERS=2 on the same cores (bench/lib/scaling.ts); alone, it runs only them. */
const scaling = values.scaling ? scalingTargets() : [];
const TARGETS: Target[] = [ours, ...(candidate ? [candidate] : []), ...(viaTsx ? [viaTsx] : []), oidcProviderPeerTarget, floorTarget, ...scaling];
/** --no-quiet-wait: on a machine that is never quiet, run at once and keep every first attempt (the report still flags the disturbance). */
const settings: BenchSettings = { ...(values.quick ? QUICK : FULL), ...(values["no-quiet-wait"] && { quietMaxWaitMs: 0, retries: 0 }) };
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmpDir = join(repoRoot, ".bench-tmp");
const profileDir = join(tmpDir, "profiles");
const heapDir = join(tmpDir, "heap");
const children = new Children();
const say = (text: string) => process.stdout.write(`${text}\n`);
const httpScript = httpLoadScript(say);
const h2load = hasH2load(say);
/** The first gRPC target's ValidateTokenRequest frame, which the gRPC floor gets too (it does not read it). */
let grpcRequestFile: string | undefined;

/** How a server is started: pinned, with the heap probe (and with --profile, the CPU profiler). */
function targetContext(id: string): TargetContext {
  const probe = heapProbeFlags(repoRoot);
  const profile = values.profile ? ["--cpu-prof", `--cpu-prof-dir=${join(profileDir, id)}`] : [];
  return { repoRoot, tmpDir, children, core: settings.serverCore, nodeFlags: [...probe, ...profile] };
}

/** A load run may take its duration plus start-up; anything longer is a hang and is killed. */
const loadTimeoutMs = (seconds: number) => seconds * 1000 + 30_000;

function load(script: string, target: { pid: number }, durationSec: number, args: object) {
  return spawnLoad(children, {
    repoRoot,
    script,
    core: settings.loadCore,
    timeoutMs: loadTimeoutMs(durationSec),
    args: { ...args, durationSec, serverPid: target.pid, serverCore: settings.serverCore, loadCore: settings.loadCore },
  });
}

/** The scratch file of a scenario's load (a Lua script, a request body, a log), named after its id. */
const scratchFile = (id: string, what: string) => join(tmpDir, `${what}-${id.replaceAll(" ", "-")}`);

/**
 * Token issuance at `connections` (the sweep's " c<n>" ids; the token scenario when it is settings.connections);
 * with `dpop`, every request carries a fresh proof (bench/load/dpop-token-load.ts).
 */
function tokenScenario(target: RunningTarget, dpop = false, connections = settings.connections): Scenario {
  const id = `${target.id}${dpop ? DPOP_SUFFIX : ""}${connections === settings.connections ? "" : sweepSuffix(connections)}`;
  const args: HttpLoadArgs = { url: `${target.baseUrl}${TOKEN_REQUEST.path}`, connections, headers: tokenHeaders(target.client), body: TOKEN_REQUEST.body, scriptFile: scratchFile(id, "wrk.lua") };
  const script = dpop ? "bench/load/dpop-token-load.ts" : httpScript;
  return { id, serverPid: target.pid, run: (durationSec) => load(script, target, durationSec, args) };
}

/** Introspection of one opaque token by its client (RFC 7662), answered identically every time. */
async function introspectScenario(target: RunningTarget & { introspectionPath: string }): Promise<Scenario> {
  const id = `${target.id}${INTROSPECT_SUFFIX}`;
  const args = () => introspectionLoad(target.baseUrl, target.introspectionPath, target.client, settings.connections, scratchFile(id, "wrk.lua"));
  await args(); // checks the set-up before any load runs
  return { id, serverPid: target.pid, run: async (durationSec) => load(httpScript, target, durationSec, await args()) };
}

/** Fetches a caller token (portcullis:validate) and a pool of resource tokens (DPoP-bound with `dpop`) for the gRPC load. */
async function grpcScenario(target: RunningTarget, dpop = false): Promise<Scenario> {
  const callerToken = await requestToken(target.baseUrl, target.client, "grant_type=client_credentials&scope=portcullis%3Avalidate");
  const prover = dpop ? new DpopProver() : undefined;
  const tokens: string[] = [];
  for (let i = 0; i < GRPC_TOKEN_POOL; i++) tokens.push(await requestToken(target.baseUrl, target.client, TOKEN_REQUEST.body, prover));
  if (dpop) assertDpopBound(tokens[0]!, target.id);
  const id = `${target.id}${GRPC_SUFFIX}${dpop ? DPOP_SUFFIX : ""}`;
  if (!dpop && h2load) {
    const requestFile = writeValidateTokenRequest(scratchFile(id, "request.bin"), tokens[0]!);
    grpcRequestFile ??= requestFile;
    const shape = { connections: settings.h2loadConnections, streams: settings.h2loadStreams };
    const args = h2loadArgs(tmpDir, id.replaceAll(" ", "-"), target.grpcAddress!, requestFile, shape, callerToken);
    return { id, serverPid: target.pid, run: (durationSec) => load("bench/load/h2load-grpc-load.ts", target, durationSec, args) };
  }
  const tokensFile = join(tmpDir, `grpc-tokens-${id.replaceAll(" ", "-")}.json`);
  writeFileSync(tokensFile, JSON.stringify({ callerToken, tokens, dpopKey: prover?.privateJwk() }), { mode: 0o600 });
  const args: Omit<GrpcLoadOptions, "durationSec" | "serverPid" | "serverCore" | "loadCore"> = {
    address: target.grpcAddress!,
    channels: settings.grpcChannels,
    concurrency: settings.connections,
    tokensFile,
    requiredScope: TOKEN_REQUEST.scope,
    requiredAudience: TOKEN_REQUEST.resource,
    ...(dpop && { dpop: { ...RESOURCE_REQUEST, proofsPerSecond: GRPC_DPOP_PROOFS_PER_SECOND } }),
  };
  return { id, serverPid: target.pid, run: (durationSec) => load("bench/load/grpc-load.ts", target, durationSec, args) };
}

/**
 * Whole authorization code flows with the target's signed-in browser; one flow counts as one request. The browser signs
 * in afresh before each run: the peer's in-memory adapter keeps 1 000 entries, which other scenarios (DPoP replay
 * entries, introspected tokens) would otherwise evict its session from.
 */
async function codeFlowScenario(target: RunningTarget): Promise<Scenario> {
  await target.signInForCodeFlow!(); // checks the set-up before any load runs
  const args = async (): Promise<Omit<CodeFlowLoadOptions, "durationSec" | "serverPid" | "serverCore" | "loadCore">> => ({ flow: await target.signInForCodeFlow!(), connections: settings.connections });
  return { id: `${target.id}${CODE_SUFFIX}`, serverPid: target.pid, run: async (durationSec) => load("bench/load/code-flow-load.ts", target, durationSec, await args()) };
}

/** The bare node:http2 unary-gRPC floor, loaded with the same request as Portcullis's gRPC scenario. */
async function grpcFloorScenario(context: TargetContext): Promise<{ floor: GrpcFloor; scenario: Scenario }> {
  const floor = await startGrpcFloor(context);
  const id = `${floor.id}${GRPC_SUFFIX}`;
  const requestFile = grpcRequestFile ?? writeValidateTokenRequest(scratchFile(id, "request.bin"), "not.checked.by-the-floor");
  const args = h2loadArgs(tmpDir, id.replaceAll(" ", "-"), floor.grpcAddress, requestFile, { connections: settings.h2loadConnections, streams: settings.h2loadStreams });
  return { floor, scenario: { id, serverPid: floor.pid, run: (durationSec) => load("bench/load/h2load-grpc-load.ts", floor, durationSec, args) } };
}

async function main(): Promise<void> {
  if (availableParallelism() < 2) throw new Error("the bench needs 2 cores (servers on core 0, load on core 1)");
  mkdirSync(heapDir, { recursive: true });
  process.env.BENCH_HEAP_DIR = heapDir; // read by bench/targets/heap-probe.mjs in every server
  const only = values.only?.split(",").map((s) => s.trim()) ?? (values.scaling ? scaling.map((t) => t.id) : undefined);
  const targets = TARGETS.filter((t) => !only || only.includes(t.id));
  const kinds = values.scenarios?.split(",").map((s) => s.trim()) ?? (values.scaling ? SCALING_KINDS : [...SCENARIO_KINDS]);
  const unknown = kinds.filter((kind) => !(SCENARIO_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new Error(`--scenarios takes ${SCENARIO_KINDS.join(", ")}; unknown: ${unknown.join(", ")}`);
  const title = `${values.quick ? "QUICK " : ""}bench: ${settings.connections} connections, warm-up ${settings.warmupSeconds} s, ${settings.runs} × ${settings.runSeconds} s round-robin, medians; servers on core ${settings.serverCore}, load on core ${settings.loadCore}`;
  say(title);
  say(`load average before start: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  if (values.profile) rmSync(profileDir, { recursive: true, force: true });

  const running: { stop(): Promise<void> }[] = [];
  const versions: Record<string, string | undefined> = {};
  try {
    const scenarios: Scenario[] = [];
    for (const target of targets) {
      const context = targetContext(target.id);
      say(`starting ${target.id}: ${target.description}`);
      const started = await target.start(context);
      running.push(started);
      versions[target.id] = started.version;
      if (kinds.includes("token")) scenarios.push(tokenScenario(started));
      if (kinds.includes("dpop") && started.dpop) {
        assertDpopBound(await requestToken(started.baseUrl, started.client, TOKEN_REQUEST.body, new DpopProver()), target.id);
        scenarios.push(tokenScenario(started, true));
      }
      if (kinds.includes("grpc") && started.grpcAddress) scenarios.push(await grpcScenario(started));
      if (kinds.includes("grpc-dpop") && started.grpcAddress) scenarios.push(await grpcScenario(started, true));
      if (kinds.includes("code") && started.signInForCodeFlow) scenarios.push(await codeFlowScenario(started));
      if (kinds.includes("introspect") && started.introspectionPath) scenarios.push(await introspectScenario({ ...started, introspectionPath: started.introspectionPath }));
      if (kinds.includes("sweep")) scenarios.push(...settings.sweepConnections.filter((c) => c !== settings.connections).map((c) => tokenScenario(started, false, c)));
    }
    if (kinds.includes("grpc") && h2load && (!only || only.includes(GRPC_FLOOR_ID))) {
      const { floor, scenario } = await grpcFloorScenario(targetContext(GRPC_FLOOR_ID));
      running.push(floor);
      scenarios.push(scenario);
    }

    const windows: Window[] = [];
    for (const scenario of scenarios) {
      const warm = await scenario.run(settings.warmupSeconds);
      say(`  ${scenario.id.padEnd(16)} warm-up ${settings.warmupSeconds} s: ${describeRun(warm)}`);
    }
    const runs = new Map<string, RunResult[]>(scenarios.map((s) => [s.id, []]));
    for (let round = 1; round <= settings.runs; round++) {
      for (const scenario of scenarios) {
        const result = await measureRun(scenario, settings, heapDir);
        runs.get(scenario.id)!.push(result);
        windows.push({ label: scenario.id, startUs: result.startUs, endUs: result.endUs, requests: result.ok });
        say(`  ${scenario.id.padEnd(16)} run ${round}/${settings.runs}: ${describeRun(result)}`);
      }
    }
    const summaries = Object.fromEntries([...runs].map(([id, list]) => [id, summarize(list)]));
    report(title, summaries, versions);
    if (values.profile) {
      for (const target of running) await target.stop(); // a profile is written when its process exits
      for (const target of [...targets, { id: GRPC_FLOOR_ID, sourceRoot: undefined }]) {
        const own = windows.filter((w) => w.label === target.id || w.label.startsWith(`${target.id} `));
        say(`\n${summarizeProfiles(join(profileDir, target.id), target.sourceRoot ?? repoRoot, own)}`);
      }
    }
  } finally {
    for (const target of running) await target.stop();
  }
}

/** Summaries of the scenarios whose id is a target id plus `suffix`, keyed by target id. */
function ofKind(summaries: Record<string, Summary>, suffix: string): Record<string, Summary> {
  const targetIds = [...TARGETS.map((t) => t.id), GRPC_FLOOR_ID];
  return Object.fromEntries(targetIds.filter((id) => summaries[`${id}${suffix}`]).map((id) => [id, summaries[`${id}${suffix}`]!]));
}

function report(title: string, summaries: Record<string, Summary>, versions: Record<string, string | undefined>): void {
  const of = (suffix: string) => ofKind(summaries, suffix);
  const [token, dpop, grpc, grpcDpop, code, introspect] = [of(""), of(DPOP_SUFFIX), of(GRPC_SUFFIX), of(`${GRPC_SUFFIX}${DPOP_SUFFIX}`), of(CODE_SUFFIX), of(INTROSPECT_SUFFIX)];
  /** The sweep's rows by connection count ("c64" is the token scenario itself); empty unless the sweep ran. */
  const swept = settings.sweepConnections.some((c) => c !== settings.connections && Object.keys(of(sweepSuffix(c))).length > 0);
  const sweep = swept ? Object.fromEntries(settings.sweepConnections.map((c) => [`c${c}`, c === settings.connections ? token : of(sweepSuffix(c))])) : {};
  const [o, peer, floor] = [ours.id, oidcProviderPeerTarget.id, floorTarget.id];
  const goals = checkGoals({ token, grpc, code, introspect, ids: { ours: o, peer, floor, grpcFloor: GRPC_FLOOR_ID } });
  const text = formatReport({ title, token, dpop, grpc, grpcDpop, code, introspect, sweep, goals, ours: o, peer, floor, grpcFloor: GRPC_FLOOR_ID });
  say(`\n${text}`);
  if (values.scaling) say(`\n${scalingSection(token, grpc)}`);
  const noisy = disturbed([token, dpop, grpc, grpcDpop, code, introspect, ...Object.values(sweep)]);
  if (values["write-results"] && values.scaling && !values.only) {
    writeScaling(scalingSection(token, grpc), noisy);
    say("written: bench/RESULTS.md (scaling section)");
  } else if (values["write-results"]) {
    writeResults(text, summaryMarkdown({ token, grpc, code, introspect, goals, ids: { ours: o, peer, floor, grpcFloor: GRPC_FLOOR_ID } }), versions, noisy);
    say(`written: bench/RESULTS.md (bench sections) and README.md (${BENCH_SUMMARY})`);
  }
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    quick: values.quick === true,
    settings,
    request: TOKEN_REQUEST,
    codeFlowRequest: CODE_FLOW,
    versions,
    token,
    dpopToken: dpop,
    grpcValidateToken: grpc,
    grpcValidateDpopToken: grpcDpop,
    codeFlow: code,
    introspection: introspect,
    tokenSweep: sweep,
    ratios: {
      vsPeer: token[o] && token[peer] ? ratios(token[o], token[peer]) : undefined,
      vsFloor: token[o] && token[floor] ? ratios(token[o], token[floor]) : undefined,
      floorVsPeer: token[floor] && token[peer] ? ratios(token[floor], token[peer]) : undefined,
      candidateVsOurs: candidate && token[candidate.id] && token[o] ? ratios(token[candidate.id], token[o]) : undefined,
      codeFlowVsPeer: code[o] && code[peer] ? ratios(code[o], code[peer]) : undefined,
      codeFlowCandidateVsOurs: candidate && code[candidate.id] && code[o] ? ratios(code[candidate.id], code[o]) : undefined,
      dpopVsPeer: dpop[o] && dpop[peer] ? ratios(dpop[o], dpop[peer]) : undefined,
      dpopVsBearer: dpop[o] && token[o] ? ratios(dpop[o], token[o]) : undefined,
      grpcDpopVsBearer: grpcDpop[o] && grpc[o] ? ratios(grpcDpop[o], grpc[o]) : undefined,
      grpcVsFloor: grpc[o] && grpc[GRPC_FLOOR_ID] ? ratios(grpc[o], grpc[GRPC_FLOOR_ID]) : undefined,
      introspectionVsPeer: introspect[o] && introspect[peer] ? ratios(introspect[o], introspect[peer]) : undefined,
    },
    scaling: values.scaling ? scalingFigures(token, grpc) : undefined,
    goals,
  };
  writeFileSync(join(tmpDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  say(`\nresults: ${join(tmpDir, "results.json")}`);
}

/** --write-results: the report and its summary into bench/RESULTS.md, the summary into README.md. */
function writeResults(report: string, summary: string, versions: Record<string, string | undefined>, noisy: boolean): void {
  const file = join(repoRoot, "bench", "RESULTS.md");
  const about = [
    `## Bench (\`npm run bench\`)`,
    "",
    `${runStamp()}; ${Object.entries(versions).filter(([, v]) => v).map(([id, v]) => `${id}: ${v}`).join(", ")}.`,
    machineNote(noisy),
  ].join("\n");
  writeSection(file, "bench", `${about}\n\n\`\`\`text\n${report}\n\`\`\``);
  writeSection(file, BENCH_SUMMARY, summary);
  syncReadme(repoRoot);
}

/** --write-results --scaling (alone): the WORKERS=1 → 2 factors into bench/RESULTS.md's scaling section. */
function writeScaling(section: string, noisy: boolean): void {
  writeSection(join(repoRoot, "bench", "RESULTS.md"), "scaling", `## Scaling (\`npm run bench -- --scaling\`)\n\n${runStamp()}.\n${machineNote(noisy)}\n\n\`\`\`text\n${section}\n\`\`\``);
}

/** When and on what a run was made. */
function runStamp(): string {
  return `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} cores`;
}

/** How to read the figures: from a quiet machine, or disturbed by other processes ("others %" in the report). */
function machineNote(noisy: boolean): string {
  return noisy
    ? "Other processes took more than 5 % of a bench core during some runs (\"others %\", server/load core): absolute figures are disturbed; ratios and CPU µs per request, measured in the same run, are the figures to read."
    : "The bench cores were quiet (other processes under 5 % of each core in every run). Read ratios from one run; absolute figures depend on the machine.";
}

const deadline = setTimeout(() => {
  process.stderr.write(`bench: exceeded ${settings.deadlineMs / 1000} s, stopping\n`);
  void children.stopAll().finally(() => process.exit(1));
}, settings.deadlineMs);
deadline.unref();
process.on("exit", () => children.killAllNow());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping children\n`);
    void children.stopAll().finally(() => process.exit(130));
  });
}

main().then(
  async () => {
    await children.stopAll();
    process.exit(0);
  },
  async (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
    await children.stopAll();
    process.exit(1);
  },
);
