import { Cluster, type RedisOptions } from "ioredis";
import type { ClusterUrl } from "./redis-url.js";

/**
 * A Redis Cluster client with the fail-fast behaviour of the single-node client (DESIGN "State"): no offline queue,
 * `nodeOptions` (timeouts, no per-request retries) on every node connection, capped reconnection of the cluster.
 */
export function createRedisCluster(
  url: ClusterUrl,
  options: { keyPrefix?: string; nodeOptions: RedisOptions; reconnectDelay: (attempt: number) => number },
): Cluster {
  const cluster = new Cluster(url.nodes, {
    lazyConnect: true,
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    clusterRetryStrategy: options.reconnectDelay,
    slotsRefreshTimeout: 1000,
    // A lost reply or a down cluster rejects at once (StorageUnavailableError) instead of being resent later.
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    // TLS certificates name hosts, not the addresses ioredis would otherwise resolve the seed nodes to.
    dnsLookup: url.nodeOptions.tls ? (address, callback) => callback(null, address) : undefined,
    redisOptions: { ...url.nodeOptions, ...options.nodeOptions },
  });
  // ioredis opens node connections on first use, and without an offline queue a command that meets a connection still
  // opening fails: once the cluster is ready, open every node connection at once (deferred for a node found later, so
  // the command that found it opens it).
  const openNodes = () => {
    for (const node of cluster.nodes("all")) if (node.status === "wait") node.connect().catch(() => {}); // reported as "node error"
  };
  cluster.on("ready", openNodes);
  cluster.on("+node", () => {
    if (cluster.status === "ready") setImmediate(openNodes);
  });
  return cluster;
}

/**
 * Connects and waits until the cluster is ready and every master's connection is open (a PING each), so the first
 * commands do not race the connections. Gives up after `timeoutMs`: while the nodes answer but the cluster is not
 * ready (e.g. `cluster_state:fail`), ioredis keeps retrying without ever settling `connect()`.
 */
export async function connectCluster(cluster: Cluster, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onReady: (() => void) | undefined;
  try {
    await Promise.race([
      cluster.connect(),
      new Promise<void>((resolve) => cluster.once("ready", (onReady = resolve))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis Cluster not ready within ${timeoutMs} ms (is cluster_state ok?)`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onReady) cluster.off("ready", onReady);
  }
  await Promise.all(cluster.nodes("master").map((node) => node.ping()));
}
