import type { MetricObjectWithValues, MetricValue } from "prom-client";

/** Tags the primary ⇄ worker control messages (the ephemeral protocol has its own tag, src/storage/ipc). */
export const CLUSTER_CHANNEL = "portcullis:cluster";

/** The environment variable through which the primary tells a worker its rank (1…WORKERS; kept by a replacement). */
export const WORKER_RANK_ENV = "PORTCULLIS_WORKER_RANK";

export type ClusterMessage =
  /** Worker → primary: listening; what it bound. */
  | { channel: typeof CLUSTER_CHANNEL; kind: "ready"; publicBind: string; grpcUrl: string }
  /** Primary → worker: stop taking work, finish what is open, exit. */
  | { channel: typeof CLUSTER_CHANNEL; kind: "drain" }
  /** Primary → worker: send your metrics (for the aggregated /metrics). */
  | { channel: typeof CLUSTER_CHANNEL; kind: "metrics-request"; id: number }
  /** Worker → primary: `registry.getMetricsAsJSON()`. */
  | { channel: typeof CLUSTER_CHANNEL; kind: "metrics"; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] };

/** The message when it is a cluster control message, undefined otherwise. */
export function clusterMessage(message: unknown): ClusterMessage | undefined {
  return typeof message === "object" && message !== null && (message as { channel?: unknown }).channel === CLUSTER_CHANNEL ? (message as ClusterMessage) : undefined;
}
