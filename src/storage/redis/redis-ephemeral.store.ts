import { Cluster } from "ioredis";
import type { Clock } from "../../core/ports/clock.js";
import type { EphemeralStore } from "../../core/ports/ephemeral-store.js";
import type { Logger } from "../../core/ports/logger.js";
import { guarded } from "../guard.js";
import { ttlMillis } from "../ttl.js";
import { closeRedis, type RedisClient, translateRedisError } from "./redis-connection.js";
import { RedisMemorySpan } from "./redis-memory-span.js";

/** INCR, giving the counter its TTL when it has none (i.e. it was just created), atomically. */
const INCREMENT_LUA = `local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Shared ephemeral state on Redis or Redis Cluster (DESIGN "State"): every key has a TTL; single use is GETDEL /
 * SET NX PX. Each command and the increment script touch one key, so every key may live on its own cluster slot.
 */
class RedisEphemeralStore implements EphemeralStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly memory: { readonly since: number },
  ) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(key, value, "PX", ttlMillis(ttlMs));
  }

  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(key, value, "PX", ttlMillis(ttlMs), "NX")) === "OK";
  }

  async firstUse(key: string, ttlMs: number, existedBy: number): Promise<boolean> {
    return existedBy >= this.memory.since && this.putIfAbsent(key, "1", ttlMs);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined;
  }

  async exists(keys: readonly string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    if (this.redis.isCluster) {
      // The keys hash to different slots (and nodes) of a cluster: one EXISTS each, sent together.
      return (await Promise.all(keys.map((key) => this.redis.exists(key)))).map((count) => count === 1);
    }
    return (await this.redis.mget(...keys)).map((value) => value !== null);
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.redis.getdel(key)) ?? undefined;
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(key);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return Number(await this.redis.eval(INCREMENT_LUA, 1, key, ttlMillis(ttlMs)));
  }

  async ttl(key: string): Promise<number | undefined> {
    const remaining = await this.redis.pttl(key);
    return remaining >= 0 ? remaining : undefined;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await closeRedis(this.redis);
  }
}

/**
 * The store over `client`, one node or a cluster (keys prefixed by its keyPrefix); outages reject with
 * StorageUnavailableError. A single node's restarts are tracked for `firstUse`; a cluster's nodes are not (README).
 */
export function redisEphemeralStore(client: RedisClient, options: { clock: Clock; logger?: Logger }): EphemeralStore {
  const memory = client instanceof Cluster ? { since: Number.NEGATIVE_INFINITY } : new RedisMemorySpan(client, options.clock, options.logger);
  return guarded(new RedisEphemeralStore(client, memory), translateRedisError);
}
