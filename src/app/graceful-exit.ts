/** How long a drain may take before the process exits anyway. */
const FORCE_EXIT_MS = 10_000;

/**
 * Drains once on SIGTERM/SIGINT or when the returned function is called (corpus S111): says so, runs `stop`, and
 * exits 0, or 1 when `stop` fails or takes longer than `forceAfterMs` past the `readinessDelayMs` it begins with.
 */
export function exitGracefully(stop: () => Promise<void>, options: { label?: string; forceAfterMs?: number; readinessDelayMs?: number } = {}): (reason: string) => void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${options.label ? `${options.label}: ` : ""}${reason}: draining\n`);
    setTimeout(() => process.exit(1), (options.readinessDelayMs ?? 0) + (options.forceAfterMs ?? FORCE_EXIT_MS)).unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  return shutdown;
}
