import type { Clock } from "../core/ports/clock.js";
import type { ChangeSignal } from "../core/ports/change-log.js";
import type { EphemeralStore, RevocationBus } from "../core/ports/ephemeral-store.js";
import type { Logger } from "../core/ports/logger.js";
import { MemoryEphemeralStore } from "./memory/memory-ephemeral.store.js";
import { LocalChangeSignal } from "./memory/local-change.signal.js";
import { MemoryRevocationBus } from "./memory/memory-revocation.bus.js";
import { connectRedis, createRedisClient } from "./redis/redis-connection.js";
import { redisEphemeralStore } from "./redis/redis-ephemeral.store.js";
import { RedisChangeSignal } from "./redis/redis-change.signal.js";
import { RedisRevocationBus } from "./redis/redis-revocation.bus.js";

export interface EphemeralOptions {
  /** `redis[s]://…` (one node) or `redis[s]+cluster://host:port,…` (Redis Cluster); in-process memory (single node) when absent. */
  redisUrl?: string;
  /** Expiry time source of the memory store (Redis expires keys itself), and the time Redis restarts are placed at. */
  clock: Clock;
  /** Prefix of every Redis key and of the revocation channel; default "pc:". */
  keyPrefix?: string;
  logger?: Logger;
}

export interface Ephemeral {
  store: EphemeralStore;
  bus: RevocationBus;
  signal: ChangeSignal;
}

/**
 * Opens the ephemeral store, revocation bus and change signal (DESIGN "State"). With Redis it waits until every
 * connection is ready and rejects with StorageUnavailableError otherwise. Close the signal, bus and store separately.
 */
export async function openEphemeral(options: EphemeralOptions): Promise<Ephemeral> {
  const { redisUrl, logger } = options;
  if (!redisUrl) return { store: new MemoryEphemeralStore(options.clock), bus: new MemoryRevocationBus(logger), signal: new LocalChangeSignal() };
  const keyPrefix = options.keyPrefix ?? "pc:";
  const client = createRedisClient(redisUrl, { role: "commands", keyPrefix, logger });
  const subscriber = createRedisClient(redisUrl, { role: "subscriber", logger });
  const changeSubscriber = createRedisClient(redisUrl, { role: "change-subscriber", logger });
  try {
    await Promise.all([connectRedis(client), connectRedis(subscriber), connectRedis(changeSubscriber)]);
    const bus = await RedisRevocationBus.open(client, subscriber, `${keyPrefix}revocations`, logger);
    const signal = await RedisChangeSignal.open(client, changeSubscriber, `${keyPrefix}changes`, logger);
    return { store: redisEphemeralStore(client, { clock: options.clock, logger }), bus, signal };
  } catch (error) {
    for (const connection of [client, subscriber, changeSubscriber]) connection.disconnect();
    throw error;
  }
}
