import { rawHttp, type RawResponse } from "../../support/oauth-assertions.js";
import type { SpawnedServer } from "../../support/spawned-server.js";

/** The metrics URL from the start-up line (the primary serves every worker's metrics there). */
export function metricsUrlOf(server: SpawnedServer): string {
  const match = /metrics on (http:\/\/\S+)\/metrics/.exec(server.output());
  if (!match) throw new Error(`no metrics URL in the start-up line:\n${server.output()}`);
  return match[1]!;
}

/** Per worker label, the sum of the `metric` samples whose labels include `labels` (Prometheus text format). */
export async function perWorker(server: SpawnedServer, metric: string, labels: Record<string, string> = {}): Promise<Map<string, number>> {
  const text = await (await fetch(`${metricsUrlOf(server)}/metrics`)).text();
  const sums = new Map<string, number>();
  for (const line of text.split("\n")) {
    const sample = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!sample || sample[1] !== metric) continue;
    const found = Object.fromEntries([...sample[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (Object.entries(labels).some(([name, value]) => found[name] !== value)) continue;
    sums.set(found.worker!, (sums.get(found.worker!) ?? 0) + Number(sample[3]));
  }
  return sums;
}

/** How much each worker's count grew from `before` to `after`. */
export function growth(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([worker, count]) => [worker, count - (before.get(worker) ?? 0)]));
}

/** One request on its own connection (`Connection: close`), so the cluster hands each to the next worker in turn. */
export function onNewConnection(url: string, options: Parameters<typeof rawHttp>[1] = {}): Promise<RawResponse> {
  return rawHttp(url, { method: "GET", ...options });
}

/** Pids of the workers in the order they reported listening (the primary's "worker listening" log lines). */
export function workerPids(server: SpawnedServer): Map<string, number> {
  const pids = new Map<string, number>();
  for (const line of server.output().split("\n")) {
    if (!line.includes("worker listening")) continue;
    const { worker, pid } = JSON.parse(line) as { worker: number; pid: number };
    pids.set(String(worker), pid);
  }
  return pids;
}
