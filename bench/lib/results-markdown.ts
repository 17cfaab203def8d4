import type { GoalCheck } from "./goals.js";
import type { Summary } from "./measure.js";
import { cpuUsPerRequest } from "./report.js";

/** What the Markdown summary is made of: the scenarios by target id, the goals, and the ids to compare. */
export interface SummaryInput {
  token: Record<string, Summary>;
  grpc: Record<string, Summary>;
  code: Record<string, Summary>;
  introspect: Record<string, Summary>;
  goals: GoalCheck[];
  ids: { ours: string; peer: string; floor: string; grpcFloor: string };
}

const n0 = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toFixed(0) : "–");
const n1 = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toFixed(1) : "–");

/** One row: per target "rate / p99 ms / CPU µs per request / RSS MiB", or a dash when it did not run. */
function row(label: string, byTarget: Record<string, Summary>, columns: (string | undefined)[]): string {
  const cell = (id: string | undefined) => {
    const s = id === undefined ? undefined : byTarget[id];
    return s ? `${n0(s.rps)} / ${n1(s.p99)} / ${n0(cpuUsPerRequest(s))} / ${n0(s.rssMiB)}` : "–";
  };
  return `| ${label} | ${columns.map(cell).join(" | ")} |`;
}

/** The summary table README.md shows (copied from bench/RESULTS.md by bench/sync-readme.ts). */
export function summaryMarkdown({ token, grpc, code, introspect, goals, ids }: SummaryInput): string {
  return [
    `| scenario (rate / p99 ms / server CPU µs per request / RSS MiB) | Portcullis | node-oidc-provider | floor |`,
    `|---|---|---|---|`,
    row("`POST /token` client_credentials, ES256 JWT (req/s)", token, [ids.ours, ids.peer, ids.floor]),
    row("gRPC `ValidateToken` (calls/s; floor: bare `node:http2`)", grpc, [ids.ours, undefined, ids.grpcFloor]),
    row("code flow PAR → `/authorize` → `/token` (flows/s)", code, [ids.ours, ids.peer, undefined]),
    row("`POST /introspect`, opaque token (req/s)", introspect, [ids.ours, ids.peer, undefined]),
    "",
    ...goals.map((g) => `- ${g.goal}: ${g.measured} — ${g.met ? "met" : "**not met**"}`),
  ].join("\n");
}
