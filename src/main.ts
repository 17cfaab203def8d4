import "reflect-metadata";
import cluster from "node:cluster";
import { exitGracefully } from "./app/graceful-exit.js";
import { startupLine } from "./app/startup-line.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { StorageUnavailableError } from "./core/errors/storage-unavailable.js";
import { PluginBootError } from "./plugin-host/plugin-loader.js";

/** Loads config, builds the app, starts both listeners, and drains on SIGTERM/SIGINT (corpus S111); WORKERS > 1 runs a cluster (src/cluster). */
async function main(): Promise<void> {
  const config = loadConfig();
  // Imported on demand: a cluster primary never loads the app (plugins, endpoints), only what it runs itself.
  if (config.workers > 1 && cluster.isPrimary) return (await import("./cluster/run-primary.js")).runPrimary(config);
  if (config.workers > 1) return (await import("./cluster/run-worker.js")).runWorker(config);
  const { buildApp } = await import("./app/build-app.js");
  const app = await buildApp({ config });
  const { publicBind, grpcUrl, metricsUrl } = await app.start();
  process.stdout.write(`${startupLine(config.issuer, publicBind, grpcUrl, metricsUrl!)}\n`);
  exitGracefully(() => app.stop(config.shutdownReadinessDelayMs), { readinessDelayMs: config.shutdownReadinessDelayMs });
}

/** What an operator reads when the start fails: known causes in one line, anything else with its stack. */
function startFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof PluginBootError) return error.message;
  if (error instanceof StorageUnavailableError) {
    const what = error.store === "database" ? "the database (DATABASE_URL)" : "the ephemeral store (REDIS_URL)";
    return `Portcullis cannot start: ${what} is unavailable: ${(error.cause as Error | undefined)?.message ?? "no answer"}`;
  }
  return `Portcullis failed to start: ${(error as Error)?.stack ?? String(error)}`;
}

main().catch((error: unknown) => {
  process.stderr.write(`${startFailure(error)}\n`);
  process.exit(1);
});
