import { Registry } from "prom-client";
import { buildApp, type App } from "../app/build-app.js";
import { createLogger } from "../app/create-logger.js";
import { exitGracefully } from "../app/graceful-exit.js";
import type { Config } from "../config/config.js";
import { openIpcEphemeral } from "../storage/ipc/open-ipc-ephemeral.js";
import { ipcPort } from "../storage/ipc/ipc-protocol.js";
import { CLUSTER_CHANNEL, clusterMessage, WORKER_RANK_ENV, type ClusterMessage } from "./cluster-messages.js";

/** Sends a control message to the primary (dropped when the channel is gone: the worker is on its way out then). */
function tellPrimary(message: ClusterMessage): void {
  process.send?.(message, undefined, undefined, () => undefined);
}

/**
 * One cluster worker: the whole app on the shared public and internal ports, its ephemeral state from the primary
 * over IPC unless Redis is configured; worker 1 is the leader that runs the periodic jobs. Drains on SIGTERM, on the
 * primary's word, or when the primary is gone.
 */
export async function runWorker(config: Config): Promise<void> {
  const rank = Number(process.env[WORKER_RANK_ENV]);
  const logger = createLogger(config.logLevel).child({ worker: rank });
  const metricsRegistry = new Registry();
  metricsRegistry.setDefaultLabels({ worker: String(rank) });
  // Listening for the primary before the app is built: a drain during start-up (another worker failed) exits at once.
  let app: App | undefined;
  const shutdown = exitGracefully(async () => app?.stop(config.shutdownReadinessDelayMs), { label: `worker ${rank}`, readinessDelayMs: config.shutdownReadinessDelayMs });
  process.on("disconnect", () => shutdown("primary gone"));
  process.on("message", (raw: unknown) => {
    const message = clusterMessage(raw);
    if (message?.kind === "drain") shutdown("primary");
    else if (message?.kind === "metrics-request") {
      void metricsRegistry.getMetricsAsJSON().then((metrics) => tellPrimary({ channel: CLUSTER_CHANNEL, kind: "metrics", id: message.id, metrics }));
    }
  });
  const ephemeral = config.redisUrl ? undefined : openIpcEphemeral(ipcPort(process), { logger });
  app = await buildApp({ config, logger, worker: { ephemeral, leader: rank === 1, metricsRegistry } });
  const { publicBind, grpcUrl } = await app.start();
  tellPrimary({ channel: CLUSTER_CHANNEL, kind: "ready", publicBind, grpcUrl });
}
