import type { Summary } from "../lib/measure.js";
import { cpuUsPerRequest } from "../lib/report.js";
import { portcullisTarget } from "./portcullis.js";
import type { Target } from "./target.js";

/** The target id of Portcullis without the Connect adapter in front of its OAuth router. */
export const BARE_ROUTER_ID = "bare-router";

/**
 * Portcullis with `PUBLIC_CONNECT_ADAPTER=false`: the same server, its public listener handing requests straight to
 * the OAuth router. Set beside "portcullis" in the token scenario only, it prices the Connect adapter per request.
 */
export function bareRouterTarget(): Target {
  const target = portcullisTarget(BARE_ROUTER_ID, undefined, { PUBLIC_CONNECT_ADAPTER: "false" });
  return {
    ...target,
    description: "Portcullis without the Connect adapter (PUBLIC_CONNECT_ADAPTER=false), token scenario only",
    start: async (context) => ({ ...(await target.start(context)), dpop: false, grpcAddress: undefined, signInForCodeFlow: undefined }),
  };
}

/** The adapter's cost on POST /token: req/s ratio and server CPU µs per request with and without it. */
export function adapterCost(token: Record<string, Summary>, ours: string): { rpsRatio: number; cpuUsWith: number; cpuUsWithout: number; cpuUsAdapter: number } | undefined {
  const [withAdapter, bare] = [token[ours], token[BARE_ROUTER_ID]];
  if (!withAdapter || !bare) return undefined;
  const [cpuUsWith, cpuUsWithout] = [cpuUsPerRequest(withAdapter), cpuUsPerRequest(bare)];
  return { rpsRatio: withAdapter.rps / bare.rps, cpuUsWith, cpuUsWithout, cpuUsAdapter: cpuUsWith - cpuUsWithout };
}

/** One report line for adapterCost. */
export function formatAdapterCost(cost: NonNullable<ReturnType<typeof adapterCost>>, ours: string): string {
  const us = (v: number) => `${v.toFixed(1)} µs`;
  return `Connect adapter on POST /token: ${ours}/${BARE_ROUTER_ID} req/s ${cost.rpsRatio.toFixed(3)}×; server CPU per request ${us(cost.cpuUsWith)} with, ${us(cost.cpuUsWithout)} without → adapter ≈ ${us(cost.cpuUsAdapter)} (noisy: compare over several runs)`;
}
