import "reflect-metadata";
import { buildApp } from "./app/build-app.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { PluginBootError } from "./plugin-host/plugin-loader.js";

/** Loads config, builds the app, starts both listeners, and drains on SIGTERM/SIGINT (corpus S111). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp({ config });
  const { publicBind, grpcUrl, metricsUrl } = await app.start();
  process.stdout.write(`Portcullis listening on ${publicBind}${wildcard(publicBind)} as issuer ${config.issuer}; internal gRPC on ${grpcUrl}; metrics on ${metricsUrl}/metrics\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: draining\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

/** Says what a wildcard bind means, so "0.0.0.0" is not mistaken for an address to browse to. */
function wildcard(bind: string): string {
  return /\/\/(0\.0\.0\.0|\[::\]):/.test(bind) ? " (every interface)" : "";
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof PluginBootError;
  process.stderr.write(`${known ? (error as Error).message : `Portcullis failed to start: ${(error as Error)?.stack ?? String(error)}`}\n`);
  process.exit(1);
});
