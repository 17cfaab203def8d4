import "reflect-metadata";
import { buildApp } from "./app/build-app.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { StorageUnavailableError } from "./core/errors/storage-unavailable.js";
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
