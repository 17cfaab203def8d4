/** What went wrong in this process (the server runs in it) outside any request: the "no crash" property. */
export interface ProcessFaults {
  readonly faults: readonly string[];
  stop(): void;
}

/** Records unhandled rejections and uncaught exceptions until stop(); a fuzz run fails when any was recorded. */
export function watchProcessFaults(): ProcessFaults {
  const faults: string[] = [];
  const onRejection = (reason: unknown) => void faults.push(`unhandled rejection: ${describe(reason)}`);
  const onException = (error: unknown) => void faults.push(`uncaught exception: ${describe(error)}`);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    faults,
    stop() {
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
    },
  };
}

function describe(value: unknown): string {
  return value instanceof Error ? (value.stack ?? value.message) : String(value);
}
