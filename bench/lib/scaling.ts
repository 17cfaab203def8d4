import { portcullisTarget } from "../targets/portcullis.js";
import type { Target } from "../targets/target.js";
import type { Summary } from "./measure.js";

/** Cores both scaling targets may use: the same for one worker and for two, so only WORKERS differs. */
const SCALING_CORES = "0,1";
/** The scaling targets: Portcullis with WORKERS=1 and WORKERS=2 (README "Every core of one machine"). */
export const SCALING_IDS = { one: "portcullis-w1", two: "portcullis-w2" } as const;
/** Scenario kinds of `--scaling`: the two hot paths (DESIGN "Hot paths"). */
export const SCALING_KINDS = ["token", "grpc"];

export function scalingTargets(): Target[] {
  return [
    portcullisTarget(SCALING_IDS.one, undefined, { WORKERS: "1" }, SCALING_CORES),
    portcullisTarget(SCALING_IDS.two, undefined, { WORKERS: "2" }, SCALING_CORES),
  ];
}

export interface ScalingFigures {
  /** WORKERS=2 req/s ÷ WORKERS=1 req/s. */
  rps: number;
  /** Server CPU (all processes) per request, WORKERS=2 ÷ WORKERS=1: what the primary's connection hand-off and IPC cost. */
  cpuPerRequest: number;
}

const figures = (one?: Summary, two?: Summary): ScalingFigures | undefined =>
  one && two ? { rps: two.rps / one.rps, cpuPerRequest: two.cpu.server / two.rps / (one.cpu.server / one.rps) } : undefined;

/** The 1 → 2 worker factors of the token and gRPC scenarios, when both targets ran them. */
export function scalingFigures(token: Record<string, Summary>, grpc: Record<string, Summary>) {
  return { token: figures(token[SCALING_IDS.one], token[SCALING_IDS.two]), grpc: figures(grpc[SCALING_IDS.one], grpc[SCALING_IDS.two]) };
}

/** The report lines of the scaling section. */
export function scalingSection(token: Record<string, Summary>, grpc: Record<string, Summary>): string {
  const { token: t, grpc: g } = scalingFigures(token, grpc);
  const line = (name: string, f?: ScalingFigures) => (f ? `  ${name}: req/s ×${f.rps.toFixed(2)}, server CPU per request ×${f.cpuPerRequest.toFixed(2)}` : `  ${name}: not run`);
  return [
    `Scaling WORKERS=1 → 2 (both servers on cores ${SCALING_CORES}, the load generator on core 1 as always, so the second worker shares a core with it):`,
    line("POST /token", t),
    line("gRPC ValidateToken", g),
  ].join("\n");
}
