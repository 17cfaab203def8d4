/** Thrown by storage adapters when MySQL/SQLite/Redis cannot answer in bounded time; mapped to 503 temporarily_unavailable. */
export class StorageUnavailableError extends Error {
  override name = "StorageUnavailableError";
  constructor(
    readonly store: "database" | "ephemeral",
    options?: { cause?: unknown },
  ) {
    super(`${store} storage unavailable`, options);
  }
}
