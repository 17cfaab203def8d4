/**
 * `npm run bench [-- --quick] [-- --profile] [-- --only portcullis,peer,floor] [-- --scenarios token,grpc,code] [-- --candidate <checkout>] [-- --scaling]`
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
import type { HttpLoadOptions } from "./load/http-load.js";
import { summarizeProfiles, type Window } from "./lib/cpu-profile.js";
import { describeRun, measureRun, summarize, type RunResult, type Scenario, type Summary } from "./lib/measure.js";
import { Children } from "./lib/processes.js";
import { formatReport, meetsGoal, ratios } from "./lib/report.js";
import { scalingFigures, scalingSection, scalingTargets, SCALING_KINDS } from "./lib/scaling.js";
import { CODE_FLOW, FULL, QUICK, TOKEN_REQUEST, type BenchSettings } from "./lib/settings.js";
import { DpopProver } from "./lib/dpop-prover.js";
import { assertDpopBound, requestToken, tokenHeaders } from "./lib/token-request.js";
import { floorTarget } from "./targets/floor.js";
import { oidcProviderPeerTarget } from "./targets/oidc-provider-peer.js";
import { portcullisTarget } from "./targets/portcullis.js";
import { adapterCost, bareRouterTarget, formatAdapterCost } from "./targets/bare-router.js";
import type { RunningTarget, Target, TargetContext } from "./targets/target.js";

const GRPC_TOKEN_POOL = 64;
const GRPC_SUFFIX = " gRPC";
const CODE_SUFFIX = " code";
const DPOP_SUFFIX = " DPoP";
/** Proofs the gRPC DPoP load makes per second of load (each call needs its own); more than the server can answer. */
const GRPC_DPOP_PROOFS_PER_SECOND = 8_000;
/** The protected-resource request the gRPC DPoP proofs are for (RFC 9449 §7.1). */
const RESOURCE_REQUEST = { method: "GET", url: `${TOKEN_REQUEST.resource}data` } as const;
/**
 * Scenario kinds `--scenarios` selects from: client_credentials tokens, gRPC ValidateToken, the code flow, and the
 * first two with DPoP (a fresh proof per request, DPoP-bound tokens; RFC 9449).
 */
const SCENARIO_KINDS = ["token", "grpc", "code", "dpop", "grpc-dpop"] as const;

const { values } = parseArgs({
  options: { quick: { type: "boolean" }, profile: { type: "boolean" }, only: { type: "string" }, scenarios: { type: "string" }, candidate: { type: "string" }, scaling: { type: "boolean" } },
});
const ours = portcullisTarget();
/** --candidate <dir>: another Portcullis checkout (e.g. a worktree with a change) measured round-robin with the rest. */
const candidate = values.candidate ? portcullisTarget("candidate", resolve(values.candidate)) : undefined;
/** --scaling: Portcullis with WORKERS=1 and WORKERS=2 on the same cores (bench/lib/scaling.ts); alone, it runs only them. */
const scaling = values.scaling ? scalingTargets() : [];
const TARGETS: Target[] = [ours, ...(candidate ? [candidate] : []), bareRouterTarget(), oidcProviderPeerTarget, floorTarget, ...scaling];
const settings: BenchSettings = values.quick ? QUICK : FULL;
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const tmpDir = join(repoRoot, ".bench-tmp");
const profileDir = join(tmpDir, "profiles");
const children = new Children();
const say = (text: string) => process.stdout.write(`${text}\n`);

/** A load run may take its duration plus start-up; anything longer is a hang and is killed. */
const loadTimeoutMs = (seconds: number) => seconds * 1000 + 30_000;

function load(script: string, target: RunningTarget, durationSec: number, args: object) {
  return spawnLoad(children, {
    repoRoot,
    script,
    core: settings.loadCore,
    timeoutMs: loadTimeoutMs(durationSec),
    args: { ...args, durationSec, serverPid: target.pid, serverCore: settings.serverCore, loadCore: settings.loadCore },
  });
}

/** Token issuance; with `dpop`, every request carries a fresh proof (bench/load/dpop-token-load.ts). */
function tokenScenario(target: RunningTarget, dpop = false): Scenario {
  const args: Omit<HttpLoadOptions, "durationSec" | "serverPid" | "serverCore" | "loadCore"> = {
    url: `${target.baseUrl}${TOKEN_REQUEST.path}`,
    connections: settings.connections,
    headers: tokenHeaders(target.client),
    body: TOKEN_REQUEST.body,
  };
  const script = dpop ? "bench/load/dpop-token-load.ts" : "bench/load/http-load.ts";
  return { id: `${target.id}${dpop ? DPOP_SUFFIX : ""}`, serverPid: target.pid, run: (durationSec) => load(script, target, durationSec, args) };
}

/** Fetches a caller token (portcullis:validate) and a pool of resource tokens (DPoP-bound with `dpop`) for the gRPC load. */
async function grpcScenario(target: RunningTarget, dpop = false): Promise<Scenario> {
  const callerToken = await requestToken(target.baseUrl, target.client, "grant_type=client_credentials&scope=portcullis%3Avalidate");
  const prover = dpop ? new DpopProver() : undefined;
  const tokens: string[] = [];
  for (let i = 0; i < GRPC_TOKEN_POOL; i++) tokens.push(await requestToken(target.baseUrl, target.client, TOKEN_REQUEST.body, prover));
  if (dpop) assertDpopBound(tokens[0]!, target.id);
  const id = `${target.id}${GRPC_SUFFIX}${dpop ? DPOP_SUFFIX : ""}`;
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

/** Whole authorization code flows with the target's signed-in browser; one flow counts as one request. */
async function codeFlowScenario(target: RunningTarget): Promise<Scenario> {
  const args: Omit<CodeFlowLoadOptions, "durationSec" | "serverPid" | "serverCore" | "loadCore"> = { flow: await target.signInForCodeFlow!(), connections: settings.connections };
  return { id: `${target.id}${CODE_SUFFIX}`, serverPid: target.pid, run: (durationSec) => load("bench/load/code-flow-load.ts", target, durationSec, args) };
}

async function main(): Promise<void> {
  if (availableParallelism() < 2) throw new Error("the bench needs 2 cores (servers on core 0, load on core 1)");
  mkdirSync(tmpDir, { recursive: true });
  const only = values.only?.split(",").map((s) => s.trim()) ?? (values.scaling ? scaling.map((t) => t.id) : undefined);
  const targets = TARGETS.filter((t) => !only || only.includes(t.id));
  const kinds = values.scenarios?.split(",").map((s) => s.trim()) ?? (values.scaling ? SCALING_KINDS : [...SCENARIO_KINDS]);
  const unknown = kinds.filter((kind) => !(SCENARIO_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) throw new Error(`--scenarios takes ${SCENARIO_KINDS.join(", ")}; unknown: ${unknown.join(", ")}`);
  const title = `${values.quick ? "QUICK " : ""}bench: ${settings.connections} connections, warm-up ${settings.warmupSeconds} s, ${settings.runs} × ${settings.runSeconds} s round-robin, medians; servers on core ${settings.serverCore}, load on core ${settings.loadCore}`;
  say(title);
  say(`load average before start: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  if (values.profile) rmSync(profileDir, { recursive: true, force: true });

  const running: RunningTarget[] = [];
  const versions: Record<string, string | undefined> = {};
  try {
    const scenarios: Scenario[] = [];
    for (const target of targets) {
      const nodeFlags = values.profile ? ["--cpu-prof", `--cpu-prof-dir=${join(profileDir, target.id)}`] : [];
      const context: TargetContext = { repoRoot, tmpDir, children, core: settings.serverCore, nodeFlags };
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
    }

    const windows: Window[] = [];
    for (const scenario of scenarios) {
      const warm = await scenario.run(settings.warmupSeconds);
      say(`  ${scenario.id.padEnd(16)} warm-up ${settings.warmupSeconds} s: ${describeRun(warm)}`);
    }
    const runs = new Map<string, RunResult[]>(scenarios.map((s) => [s.id, []]));
    for (let round = 1; round <= settings.runs; round++) {
      for (const scenario of scenarios) {
        const result = await measureRun(scenario, settings);
        runs.get(scenario.id)!.push(result);
        windows.push({ label: scenario.id, startUs: result.startUs, endUs: result.endUs, requests: result.ok });
        say(`  ${scenario.id.padEnd(16)} run ${round}/${settings.runs}: ${describeRun(result)}`);
      }
    }
    const summaries = Object.fromEntries([...runs].map(([id, list]) => [id, summarize(list)]));
    report(title, summaries, versions);
    if (values.profile) {
      for (const target of running) await target.stop(); // a profile is written when its process exits
      for (const target of targets) {
        const own = windows.filter((w) => w.label === target.id || w.label.startsWith(`${target.id} `));
        say(`\n${summarizeProfiles(join(profileDir, target.id), target.sourceRoot ?? repoRoot, own)}`);
      }
    }
  } finally {
    for (const target of running) await target.stop();
  }
}

/** Splits the summaries by scenario kind, each keyed by target id. */
function byKind(summaries: Record<string, Summary>) {
  const kinds = { token: "", dpop: DPOP_SUFFIX, grpc: GRPC_SUFFIX, grpcDpop: `${GRPC_SUFFIX}${DPOP_SUFFIX}`, code: CODE_SUFFIX };
  const targetIds = TARGETS.map((t) => t.id);
  const of = (suffix: string) =>
    Object.fromEntries(targetIds.filter((id) => summaries[`${id}${suffix}`]).map((id) => [id, summaries[`${id}${suffix}`]!]));
  return Object.fromEntries(Object.entries(kinds).map(([kind, suffix]) => [kind, of(suffix)])) as Record<keyof typeof kinds, Record<string, Summary>>;
}

function report(title: string, summaries: Record<string, Summary>, versions: Record<string, string | undefined>): void {
  const { token, dpop, grpc, grpcDpop, code } = byKind(summaries);
  const [o, peer, floor] = [ours.id, oidcProviderPeerTarget.id, floorTarget.id];
  say(`\n${formatReport({ title, token, dpop, grpc, grpcDpop, code, ours: o, peer, floor })}`);
  const adapter = adapterCost(token, o);
  if (adapter) say(`\n${formatAdapterCost(adapter, o)}`);
  if (values.scaling) say(`\n${scalingSection(token, grpc)}`);
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
    },
    adapterCost: adapter,
    scaling: values.scaling ? scalingFigures(token, grpc) : undefined,
    goalMet: token[o] && token[peer] ? meetsGoal(token[o], token[peer]) : undefined,
  };
  writeFileSync(join(tmpDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  say(`\nresults: ${join(tmpDir, "results.json")}`);
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
