import { collectDefaultMetrics, Registry } from "prom-client";
import { createLogger } from "../app/create-logger.js";
import { exitGracefully } from "../app/graceful-exit.js";
import { startupLine } from "../app/startup-line.js";
import type { Config } from "../config/config.js";
import { systemClock } from "../core/security/system-clock.js";
import { EphemeralHost } from "../storage/ipc/ephemeral-host.js";
import { MemoryEphemeralStore } from "../storage/memory/memory-ephemeral.store.js";
import { openSqlStorage } from "../storage/sql/open-sql-storage.js";
import { startMetricsServer } from "../transport/metrics/metrics-server.js";
import { ClusterMetrics } from "./cluster-metrics.js";
import { WorkerPool } from "./worker-pool.js";

/** Workers get this long past SHUTDOWN_READINESS_DELAY_MS to drain (their own limit is 10 s) before the primary exits anyway. */
const DRAIN_LIMIT_MS = 15_000;

/**
 * The cluster primary (docs/decisions.md "Every core of one machine"): runs the migrations once, holds the in-memory
 * ephemeral state for every worker when there is no Redis, forks WORKERS workers on the shared ports, serves the
 * aggregated /metrics, restarts a worker that dies, and on SIGTERM drains every worker before it exits.
 */
export async function runPrimary(config: Config): Promise<void> {
  const logger = createLogger(config.logLevel).child({ role: "primary" });
  const durable = await openSqlStorage(config.databaseUrl, { logger, sqliteSynchronous: config.sqliteSynchronous });
  try {
    await durable.migrate();
  } finally {
    await durable.close();
  }
  const store = config.redisUrl ? undefined : new MemoryEphemeralStore(systemClock);
  const pool = new WorkerPool(config.workers, logger, config.shutdownReadinessDelayMs, store && new EphemeralHost(store));
  const own = new Registry();
  own.setDefaultLabels({ worker: "primary" });
  collectDefaultMetrics({ register: own, prefix: "portcullis_" });
  const metrics = await startMetricsServer(new ClusterMetrics(pool, own), { host: config.metricsHost, port: config.metricsPort });
  exitGracefully(
    async () => {
      await pool.drain();
      await metrics.close();
      await store?.close();
    },
    { label: "primary", forceAfterMs: DRAIN_LIMIT_MS, readinessDelayMs: config.shutdownReadinessDelayMs },
  );
  try {
    const { publicBind, grpcUrl } = await pool.start();
    const state = config.redisUrl ? "ephemeral state in Redis" : "ephemeral state in this primary process";
    process.stdout.write(`${startupLine(config.issuer, publicBind, grpcUrl, metrics.url)}; ${config.workers} worker processes (${state})\n`);
  } catch (error) {
    await metrics.close();
    process.stderr.write(`Portcullis failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
