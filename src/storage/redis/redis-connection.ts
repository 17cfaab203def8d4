import { Redis } from "ioredis";
import { StorageUnavailableError } from "../../core/errors/storage-unavailable.js";
import type { Logger } from "../../core/ports/logger.js";

/** Server replies that mean "not now" (loading, failover, script busy, OOM) rather than a bad command. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|OOM)\b/;

/** Maps connection loss, timeouts and "not now" replies to StorageUnavailableError("ephemeral") (security corpus S106). */
export function translateRedisError(error: unknown): unknown {
  if (error instanceof TypeError || error instanceof RangeError) return error;
  if (error instanceof Error && error.name === "ReplyError" && !UNAVAILABLE_REPLY.test(error.message)) return error;
  return new StorageUnavailableError("ephemeral", { cause: error });
}

/**
 * A client that fails fast while Redis is down (S106: answer within 2 s) and reconnects by itself once it is back (S107).
 * No offline queue and no resend: a single-use command (GETDEL, SET NX) is never replayed after a lost reply.
 */
export function createRedisClient(url: string, options: { role: string; keyPrefix?: string; logger?: Logger }): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    keyPrefix: options.keyPrefix,
    connectionName: `portcullis-${options.role}`,
    connectTimeout: 2000,
    commandTimeout: 1500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    disconnectTimeout: 500,
  });
  let lastReported: string | undefined;
  client.on("error", (error: Error) => {
    if (error.message === lastReported) return;
    lastReported = error.message;
    options.logger?.warn({ redis: options.role, err: error.message }, "redis connection error");
  });
  client.on("ready", () => {
    if (lastReported !== undefined) options.logger?.info({ redis: options.role }, "redis connection restored");
    lastReported = undefined;
  });
  return client;
}

/** Connects and waits until ready; on failure stops reconnecting and throws StorageUnavailableError. */
export async function connectRedis(client: Redis): Promise<void> {
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw translateRedisError(error);
  }
}

/** Quits gracefully when connected, otherwise drops the socket and stops reconnecting. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status !== "ready") return client.disconnect();
  await client.quit().catch(() => client.disconnect());
}
