import "reflect-metadata";
import cluster from "node:cluster";
import { exitGracefully } from "./app/graceful-exit.js";
import { startupLine } from "./app/startup-line.js";
import { ConfigError, loadConfig } from "./config/config.js";
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
  exitGracefully(() => app.stop());
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof PluginBootError;
  process.stderr.write(`${known ? (error as Error).message : `Portcullis failed to start: ${(error as Error)?.stack ?? String(error)}`}\n`);
  process.exit(1);
});
