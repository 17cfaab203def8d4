import { Cluster, Redis, type RedisOptions } from "ioredis";
import { StorageUnavailableError } from "../../core/errors/storage-unavailable.js";
import type { Logger } from "../../core/ports/logger.js";
import { connectCluster, createRedisCluster } from "./redis-cluster.js";
import { parseClusterUrl } from "./redis-url.js";

/** One Redis node or a Redis Cluster (DESIGN "State"); the store and the bus use only commands both understand. */
export type RedisClient = Redis | Cluster;

/** Server replies that mean "not now" (loading, failover, script busy, OOM) rather than a bad command. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|OOM)\b/;

/** Maps connection loss, timeouts and "not now" replies to StorageUnavailableError("ephemeral") (security corpus S106). */
export function translateRedisError(error: unknown): unknown {
  if (error instanceof TypeError || error instanceof RangeError) return error;
  if (error instanceof Error && error.name === "ReplyError" && !UNAVAILABLE_REPLY.test(error.message)) return error;
  return new StorageUnavailableError("ephemeral", { cause: error });
}

/** Per-connection limits that answer within 2 s while Redis is down (S106). */
const FAIL_FAST = { connectTimeout: 2000, commandTimeout: 1500, maxRetriesPerRequest: 0, disconnectTimeout: 500 } satisfies RedisOptions;
/** Reconnects by itself once Redis is back (S107), at most every 2 s. */
const reconnectDelay = (attempt: number) => Math.min(attempt * 100, 2000);

/**
 * A client that fails fast while Redis is down (S106: answer within 2 s) and reconnects by itself once it is back (S107):
 * `redis[s]://…` gives one node, `redis[s]+cluster://host:port,…` a Redis Cluster seeded with those nodes.
 * No offline queue and no resend: a single-use command (GETDEL, SET NX) is never replayed after a lost reply.
 */
export function createRedisClient(url: string, options: { role: string; keyPrefix?: string; logger?: Logger }): RedisClient {
  const { keyPrefix } = options;
  const connectionName = `portcullis-${options.role}`;
  const cluster = parseClusterUrl(url);
  const client = cluster
    ? createRedisCluster(cluster, { keyPrefix, nodeOptions: { ...FAIL_FAST, connectionName }, reconnectDelay })
    : new Redis(url, { lazyConnect: true, keyPrefix, connectionName, ...FAIL_FAST, enableOfflineQueue: false, retryStrategy: reconnectDelay });
  reportConnectionState(client, options.role, options.logger);
  return client;
}

/** Logs each distinct connection error once, and the recovery; the 'error' listener also keeps errors from throwing. */
function reportConnectionState(client: RedisClient, role: string, logger: Logger | undefined): void {
  let lastReported: string | undefined;
  const report = (error: Error) => {
    if (error.message === lastReported) return;
    lastReported = error.message;
    logger?.warn({ redis: role, err: error.message }, "redis connection error");
  };
  client.on("error", report);
  if (client instanceof Cluster) client.on("node error", report);
  client.on("ready", () => {
    if (lastReported !== undefined) logger?.info({ redis: role }, "redis connection restored");
    lastReported = undefined;
  });
}

/** Connects and waits until ready; on failure stops reconnecting and throws StorageUnavailableError. */
export async function connectRedis(client: RedisClient): Promise<void> {
  try {
    await (client instanceof Cluster ? connectCluster(client) : client.connect());
  } catch (error) {
    client.disconnect();
    throw translateRedisError(error);
  }
}

/** Quits gracefully when connected, otherwise drops the sockets and stops reconnecting. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (client.status !== "ready") return client.disconnect();
  await client.quit().catch(() => client.disconnect());
}
