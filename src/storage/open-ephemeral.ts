import type { Clock } from "../core/ports/clock.js";
import type { EphemeralStore, RevocationBus } from "../core/ports/ephemeral-store.js";
import type { Logger } from "../core/ports/logger.js";
import { MemoryEphemeralStore } from "./memory/memory-ephemeral.store.js";
import { MemoryRevocationBus } from "./memory/memory-revocation.bus.js";
import { connectRedis, createRedisClient } from "./redis/redis-connection.js";
import { redisEphemeralStore } from "./redis/redis-ephemeral.store.js";
import { RedisRevocationBus } from "./redis/redis-revocation.bus.js";

export interface EphemeralOptions {
  /** `redis[s]://…` (one node) or `redis[s]+cluster://host:port,…` (Redis Cluster); in-process memory (single node) when absent. */
  redisUrl?: string;
  /** Expiry time source of the memory store (Redis expires keys itself). */
  clock: Clock;
  /** Prefix of every Redis key and of the revocation channel; default "pc:". */
  keyPrefix?: string;
  logger?: Logger;
}

/**
 * Opens the ephemeral store and revocation bus (DESIGN "State"). With Redis it waits until both connections are
 * ready and rejects with StorageUnavailableError otherwise. Close the bus and the store separately.
 */
export async function openEphemeral(options: EphemeralOptions): Promise<{ store: EphemeralStore; bus: RevocationBus }> {
  const { redisUrl, logger } = options;
  if (!redisUrl) return { store: new MemoryEphemeralStore(options.clock), bus: new MemoryRevocationBus(logger) };
  const keyPrefix = options.keyPrefix ?? "pc:";
  const client = createRedisClient(redisUrl, { role: "commands", keyPrefix, logger });
  const subscriber = createRedisClient(redisUrl, { role: "subscriber", logger });
  try {
    await Promise.all([connectRedis(client), connectRedis(subscriber)]);
    const bus = await RedisRevocationBus.open(client, subscriber, `${keyPrefix}revocations`, logger);
    return { store: redisEphemeralStore(client), bus };
  } catch (error) {
    client.disconnect();
    subscriber.disconnect();
    throw error;
  }
}
