import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import { ChangeFeed } from "../changes/change-feed.js";
import type { DurableStorage } from "../ports/repositories.js";
import { TtlCache } from "./ttl-cache.js";

/** Most clients held in memory per node. */
export const CLIENT_CACHE_MAX_ENTRIES = 10_000;
/** How long an unknown client id is remembered, to blunt floods of made-up ids (ms). */
export const NEGATIVE_CACHE_TTL_MS = 5_000;

/**
 * Clients by id over `DurableStorage.clients` (DESIGN "Hot paths"): bounded, entries live `clientCacheTtl` seconds,
 * unknown ids a few seconds; a change to a client, by any process, evicts it through the change feed.
 */
@injectable()
export class ClientCache {
  private readonly cache: TtlCache<Client | null>;
  private readonly pending = new Map<string, Promise<Client | undefined>>();

  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) clock: Clock,
    @inject(ChangeFeed) changes: ChangeFeed,
  ) {
    this.cache = new TtlCache(clock, CLIENT_CACHE_MAX_ENTRIES);
    const evict = (ids: readonly string[] | "all") => {
      if (ids === "all") this.clear();
      else for (const id of ids) this.invalidate(id);
    };
    changes.on("client", evict);
    changes.on("client-created", evict);
  }

  /** The client, or undefined when unknown; concurrent misses for one id share a single lookup. */
  find(clientId: string): Promise<Client | undefined> {
    const cached = this.cache.get(clientId);
    if (cached !== undefined) return Promise.resolve(cached ?? undefined);
    return this.pending.get(clientId) ?? this.load(clientId);
  }

  /** Drops the cached entry and any lookup in flight. */
  private invalidate(clientId: string): void {
    this.cache.delete(clientId);
    this.pending.delete(clientId);
  }

  private clear(): void {
    this.cache.clear();
    this.pending.clear();
  }

  private async load(clientId: string): Promise<Client | undefined> {
    const lookup = this.storage.clients.find(clientId);
    this.pending.set(clientId, lookup);
    try {
      const client = await lookup;
      if (this.pending.get(clientId) === lookup) {
        const ttlMs = this.config.clientCacheTtl * 1000;
        this.cache.set(clientId, client ?? null, client ? ttlMs : Math.min(ttlMs, NEGATIVE_CACHE_TTL_MS));
      }
      return client;
    } finally {
      if (this.pending.get(clientId) === lookup) this.pending.delete(clientId);
    }
  }
}
