import cluster from "node:cluster";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from "prom-client";
import { CLUSTER_CHANNEL, clusterMessage } from "./cluster-messages.js";
import { send, type WorkerPool } from "./worker-pool.js";

/** A worker that does not answer within this is left out of one scrape rather than stalling it. */
const SCRAPE_TIMEOUT_MS = 2_000;

type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

interface Scrape {
  collected: MetricsJson[];
  remaining: number;
  done(): void;
}

/**
 * The cluster's /metrics (README "Operating Portcullis"): the primary's own registry plus every live worker's, asked
 * over IPC; each series keeps its `worker` label, so Prometheus sees every process and sums them when asked.
 */
export class ClusterMetrics {
  readonly contentType: Registry["contentType"];
  readonly #scrapes = new Map<number, Scrape>();
  #lastId = 0;

  constructor(
    private readonly pool: WorkerPool,
    private readonly own: Registry,
  ) {
    this.contentType = own.contentType;
    cluster.on("message", (_worker, raw: unknown) => {
      const message = clusterMessage(raw);
      if (message?.kind !== "metrics") return;
      const scrape = this.#scrapes.get(message.id);
      if (!scrape) return;
      scrape.collected.push(message.metrics);
      if (--scrape.remaining === 0) scrape.done();
    });
  }

  /** The Prometheus text of the whole cluster. */
  async metrics(): Promise<string> {
    const id = ++this.#lastId;
    const workers = this.pool.live();
    const collected: MetricsJson[] = [await this.own.getMetricsAsJSON()];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), SCRAPE_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        this.#scrapes.delete(id);
        resolve();
      };
      this.#scrapes.set(id, { collected, remaining: workers.length, done });
      if (workers.length === 0) done();
      for (const worker of workers) send(worker, { channel: CLUSTER_CHANNEL, kind: "metrics-request", id });
    });
    return AggregatorRegistry.aggregate(collected).metrics();
  }
}
