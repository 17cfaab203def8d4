import type { Summary } from "./measure.js";

/** The speed goals of issue 11 item 1, each a ratio of two targets measured in the same run. */
export const GOALS = {
  tokenVsFloor: 0.85,
  tokenP99Ms: 15,
  grpcVsFloor: 0.65,
  codeVsPeer: 2.5,
  introspectVsPeer: 3,
} as const;

/** One goal's check: what was measured against what was asked. */
export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
}

/** The scenarios the goals compare, keyed by target id (ours, peer, floor, the gRPC floor). */
export interface GoalInput {
  token: Record<string, Summary>;
  grpc: Record<string, Summary>;
  code: Record<string, Summary>;
  introspect: Record<string, Summary>;
  ids: { ours: string; peer: string; floor: string; grpcFloor: string };
}

/** Checks every goal whose scenarios ran (a goal is never met when either side had failed requests). */
export function checkGoals({ token, grpc, code, introspect, ids }: GoalInput): GoalCheck[] {
  const checks: GoalCheck[] = [];
  const ratio = (kind: Record<string, Summary>, of: string, to: string, min: number, goal: string, extra?: (s: Summary) => { text: string; met: boolean }) => {
    const [a, b] = [kind[of], kind[to]];
    if (!a || !b) return;
    const r = a.rps / b.rps;
    const more = extra?.(a);
    checks.push({ goal, measured: `${Number.isFinite(r) ? `${r.toFixed(2)}×` : "-"}${more ? `, ${more.text}` : ""}`, met: a.failed === 0 && b.failed === 0 && Number.isFinite(r) && r >= min && (more?.met ?? true) });
  };
  const p99 = (s: Summary) => ({ text: `p99 ${s.p99.toFixed(1)} ms`, met: s.p99 <= GOALS.tokenP99Ms });
  ratio(token, ids.ours, ids.floor, GOALS.tokenVsFloor, `/token req/s ≥ ${GOALS.tokenVsFloor}× ${ids.floor}, p99 ≤ ${GOALS.tokenP99Ms} ms`, p99);
  ratio(grpc, ids.ours, ids.grpcFloor, GOALS.grpcVsFloor, `ValidateToken calls/s ≥ ${GOALS.grpcVsFloor}× ${ids.grpcFloor}`);
  ratio(code, ids.ours, ids.peer, GOALS.codeVsPeer, `code flows/s ≥ ${GOALS.codeVsPeer}× ${ids.peer}`);
  ratio(introspect, ids.ours, ids.peer, GOALS.introspectVsPeer, `introspection req/s ≥ ${GOALS.introspectVsPeer}× ${ids.peer}`);
  return checks;
}

/** One line per goal, for the report. */
export const formatGoals = (checks: GoalCheck[]) => checks.map((c) => `goal: ${c.goal} → ${c.met ? "MET" : "NOT MET"} (${c.measured})`);
