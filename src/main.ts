import "reflect-metadata";
import { buildApp } from "./app/build-app.js";
import { ConfigError, loadConfig } from "./config/config.js";
import { PluginBootError } from "./plugin-host/plugin-loader.js";

/** Loads config, builds the app, starts both listeners, and drains on SIGTERM/SIGINT (corpus S111). */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await buildApp({ config });
  const { publicUrl, grpcUrl, metricsUrl } = await app.start();
  process.stdout.write(`Portcullis issuer ${config.issuer} listening on ${publicUrl} (internal gRPC ${grpcUrl}, metrics ${metricsUrl}/metrics)\n`);
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

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof PluginBootError;
  process.stderr.write(`${known ? (error as Error).message : `Portcullis failed to start: ${(error as Error)?.stack ?? String(error)}`}\n`);
  process.exit(1);
});
