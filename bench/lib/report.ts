import { formatGoals, type GoalCheck } from "./goals.js";
import type { Summary } from "./measure.js";
/** Median CPU of other processes on a bench core above which the numbers are flagged as disturbed (%). */
const NOISY_PCT = 5;

export interface Ratios {
  rps: number;
  p50: number;
  p99: number;
  rssMiB: number;
}

/** a ÷ b for each metric (req/s: higher is better; the others: lower is better). */
export function ratios(a: Summary, b: Summary): Ratios {
  return { rps: a.rps / b.rps, p50: a.p50 / b.p50, p99: a.p99 / b.p99, rssMiB: a.rssMiB / b.rssMiB };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const n0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : "-");
const n1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "-");
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : "-");

/** Server CPU time per request (µs): % of one core × 10 000 ÷ requests per second; steadier than req/s on a shared core. */
export const cpuUsPerRequest = (s: Summary) => (s.cpu.server * 10_000) / s.rps;
const HEADER = ["target", "req/s", "p50 ms", "p99 ms", "RSS MiB", "heap MiB", "srv CPU %", "CPU µs/req", "others %", "failed"];
const row = (id: string, s: Summary) => [
  id,
  n0(s.rps),
  n1(s.p50),
  n1(s.p99),
  n0(s.rssMiB),
  n0(s.heapUsedMiB),
  n0(s.cpu.server),
  n0(cpuUsPerRequest(s)),
  `${n0(s.cpu.otherOnServerCore)}/${n0(s.cpu.otherOnLoadCore)}`,
  String(s.failed),
];

/** Per-flow columns of the code flow table: one "request" is a whole flow; the step medians show where its time goes. */
const CODE_HEADER = ["target", "flows/s", "p50 ms", "p99 ms", "RSS MiB", "heap MiB", "srv CPU %", "CPU µs/flow", "others %", "failed", "p50 par/authorize/token ms"];
/** Server CPU time per flow (ms): % of one core ÷ flows per second; steadier than flows/s when other processes share the core. */
const cpuPerFlow = (s: Summary) => (s.cpu.server * 10) / s.rps;
const codeRow = (id: string, s: Summary) => [...row(id, s), Object.values(s.steps ?? {}).map((step) => n1(step.p50)).join(" / ")];

/** The code flow section: table and, when both ran, the ratio to the peer. */
function codeFlowSection(code: Record<string, Summary>, ours: string, peer: string): string[] {
  const out = ["", "Authorization code flow: PAR → GET /authorize with an SSO session → POST /token (code + PKCE; access and ID token, ES256)"];
  out.push(table(CODE_HEADER, Object.entries(code).map(([id, s]) => codeRow(id, s))));
  const [o, p] = [code[ours], code[peer]];
  if (o && p) {
    const r = ratios(o, p);
    out.push("", `code flow ${ours}/${peer}: flows/s ${x(r.rps)}, p50 ${x(r.p50)}, p99 ${x(r.p99)}, RSS ${x(r.rssMiB)}, srv CPU per flow ${x(cpuPerFlow(o) / cpuPerFlow(p))} (flows/s: higher is better; the others: lower is better)`);
  }
  return out;
}

/** Server CPU per request relative to another run: (% of a core ÷ req/s) of `a` over that of `b`. */
const cpuPerRequestRatio = (a: Summary, b: Summary) => a.cpu.server / a.rps / (b.cpu.server / b.rps);

/** A DPoP scenario's table and, per target that also ran it with bearer tokens, what DPoP costs (RFC 9449). */
function dpopSection(title: string, dpop: Record<string, Summary>, bearer: Record<string, Summary>): string[] {
  const entries = Object.entries(dpop);
  if (entries.length === 0) return [];
  const out = ["", title, table(HEADER, entries.map(([id, s]) => row(id, s)))];
  for (const [id, s] of entries) {
    const plain = bearer[id];
    if (plain) out.push(`${id} DPoP/bearer: req/s ${x(s.rps / plain.rps)}, srv CPU per request ${x(cpuPerRequestRatio(s, plain))}`);
  }
  return out;
}

/** How cost grows with connections on /token: one row per target and connection count (issue 11 item 1). */
function sweepSection(sweep: Record<string, Record<string, Summary>>): string[] {
  const rows = Object.entries(sweep).flatMap(([label, byTarget]) => Object.entries(byTarget).map(([id, s]) => [id, label.slice(1), n0(s.rps), n1(s.p99), n0(cpuUsPerRequest(s)), n0(s.rssMiB), String(s.failed)]));
  if (rows.length === 0) return [];
  rows.sort((a, b) => a[0]!.localeCompare(b[0]!) || Number(a[1]) - Number(b[1]));
  return ["", "POST /token by connections (cost growth)", table(["target", "connections", "req/s", "p99 ms", "CPU µs/req", "RSS MiB", "failed"], rows)];
}

/** The table of a plain scenario with, when both ran, ours/peer ratios. */
function versusSection(title: string, byTarget: Record<string, Summary>, ours: string, other: string): string[] {
  const entries = Object.entries(byTarget);
  if (entries.length === 0) return [];
  const out = ["", title, table(HEADER, entries.map(([id, s]) => row(id, s)))];
  const [a, b] = [byTarget[ours], byTarget[other]];
  if (a && b) out.push(`${ours}/${other}: req/s ${x(a.rps / b.rps)}, p99 ${x(a.p99 / b.p99)}, RSS ${x(a.rssMiB / b.rssMiB)}, CPU per request ${x(cpuUsPerRequest(a) / cpuUsPerRequest(b))}`);
  return out;
}

/** The compact table the bench prints at the end. */
export function formatReport(input: {
  title: string;
  token: Record<string, Summary>;
  dpop: Record<string, Summary>;
  grpc: Record<string, Summary>;
  grpcDpop: Record<string, Summary>;
  code: Record<string, Summary>;
  introspect: Record<string, Summary>;
  sweep: Record<string, Record<string, Summary>>;
  goals: GoalCheck[];
  ours: string;
  peer: string;
  floor: string;
  grpcFloor: string;
}): string {
  const { token, ours, peer, floor } = input;
  const out: string[] = [input.title];
  if (Object.keys(token).length > 0) out.push("", "POST /token (client_credentials, ES256 JWT)", table(HEADER, Object.entries(token).map(([id, s]) => row(id, s))));
  const [o, p, f] = [token[ours], token[peer], token[floor]];
  if (o && p && f) {
    const [vsPeer, vsFloor, floorVsPeer] = [ratios(o, p), ratios(o, f), ratios(f, p)];
    out.push("", "ratios (req/s: higher is better; latency and RSS: lower is better)");
    out.push(
      table(
        ["metric", `${ours}/${peer}`, `${ours}/${floor}`, `${floor}/${peer}`],
        (["rps", "p50", "p99", "rssMiB"] as const).map((key) => [key === "rps" ? "req/s" : key, x(vsPeer[key]), x(vsFloor[key]), x(floorVsPeer[key])]),
      ),
    );
  }
  out.push(...sweepSection(input.sweep));
  out.push(...dpopSection("POST /token with a DPoP proof (client_credentials, DPoP-bound ES256 JWT)", input.dpop, token));
  const [od, pd] = [input.dpop[ours], input.dpop[peer]];
  if (od && pd) out.push(`DPoP ${ours}/${peer}: req/s ${x(od.rps / pd.rps)}, p99 ${x(od.p99 / pd.p99)}`);
  out.push(...versusSection("gRPC TokenValidationService/ValidateToken (CPU µs/req is per call)", input.grpc, ours, input.grpcFloor));
  out.push(...dpopSection("gRPC ValidateToken of DPoP-bound tokens (a fresh proof with ath per call)", input.grpcDpop, input.grpc));
  if (Object.keys(input.code).length > 0) out.push(...codeFlowSection(input.code, ours, peer));
  out.push(...versusSection("POST /introspect of an opaque access token by its client (RFC 7662)", input.introspect, ours, peer));
  if (input.goals.length > 0) out.push("", ...formatGoals(input.goals));
  if (disturbed([token, input.dpop, input.grpc, input.grpcDpop, input.code, input.introspect, ...Object.values(input.sweep)])) {
    out.push("", `WARNING: other processes used > ${NOISY_PCT} % of a bench core during runs ("others %", server core/load core): the figures are disturbed; rerun on a quiet machine`);
  }
  return out.join("\n");
}

/** True when other processes took more than NOISY_PCT % of a bench core during any run of these scenarios. */
export function disturbed(scenarios: readonly Record<string, Summary>[]): boolean {
  return scenarios.flatMap((kind) => Object.values(kind)).some((s) => Math.max(s.cpu.otherOnServerCore, s.cpu.otherOnLoadCore) > NOISY_PCT);
}
