import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWK, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from "jose";
import { TtlCache } from "../clients/ttl-cache.js";
import type { Clock } from "../ports/clock.js";
import type { SafeFetcher } from "../security/safe-fetch.js";

/** How long a fetched key set is reused before its `jwks_uri` is fetched again (ms). */
export const JWKS_CACHE_TTL_MS = 300_000;
/** Least time between two fetches of one `jwks_uri` on an unknown `kid` (ms): unknown kids cannot hammer the remote. */
export const JWKS_REFETCH_COOLDOWN_MS = 30_000;

/** Whose keys: an inline set or a `jwks_uri`, and a version that changes whenever the owner's registration does. */
export interface JwksSource {
  /** The owner's id (a client id, an issuer); the cache key. */
  id: string;
  version: string;
  jwks?: JSONWebKeySet;
  jwksUri?: string;
}

interface Entry {
  version: string;
  fetchedAt: number;
  set: Promise<JSONWebKeySet>;
  keys: Promise<JWTVerifyGetKey>;
}

/** jwtVerify that, when no `kid` singles out one key, tries each matching key of the set (RFC 7515 §4.1.4). */
async function verifyWithAnyKey(jwt: string, keys: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(jwt, keys, options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error) {
      try {
        return (await jwtVerify(jwt, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/** The keys of a fetched set, none when it is not a JWK Set (RFC 7517 §5). */
function keysOf(set: JSONWebKeySet): readonly JWK[] {
  return Array.isArray(set?.keys) ? set.keys.filter((key): key is JWK => typeof key === "object" && key !== null) : [];
}

/**
 * Verification keys of outside parties (clients, trusted issuers), from an inline JWK Set or a `jwks_uri` fetched
 * through the SafeFetcher (RFC 7517 §5, OIDC Core §10.1.1): cached per owner for JWKS_CACHE_TTL_MS, refetched at most
 * once per JWKS_REFETCH_COOLDOWN_MS when a `kid` is unknown; a failed fetch is not cached.
 */
export class JwksCache {
  private readonly cache: TtlCache<Entry>;

  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly clock: Clock,
    maxEntries: number,
  ) {
    this.cache = new TtlCache(clock, maxEntries);
  }

  /** The owner's cached entry, loaded when missing or of another version. */
  private entry(source: JwksSource): Entry {
    const entry = this.cache.get(source.id);
    return entry?.version === source.version ? entry : this.load(source);
  }

  /**
   * The first of the owner's keys that `matches`; on a miss a `jwks_uri` is refetched once per cooldown (RFC 8705 §2.2.2
   * certificates in a client's JWKS). Throws SafeFetchError when keys cannot be had.
   */
  async findKey(source: JwksSource, matches: (key: JWK) => boolean): Promise<JWK | undefined> {
    const found = keysOf(await this.entry(source).set).find(matches);
    if (found) return found;
    const fresh = this.refreshed(source);
    return fresh && keysOf(await fresh.set).find(matches);
  }

  /**
   * Verifies a JWT signed with the owner's keys only; an unknown `kid` refetches `jwks_uri` once per cooldown
   * (OIDC Core §10.1.1). Throws jose errors (bad JWT) or SafeFetchError (keys unavailable).
   */
  async verify(source: JwksSource, jwt: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    try {
      return await verifyWithAnyKey(jwt, await this.entry(source).keys, options);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const fresh = this.refreshed(source);
      if (!fresh) throw error;
      return verifyWithAnyKey(jwt, await fresh.keys, options);
    }
  }

  /** A fresh entry for a `jwks_uri` owner outside the cooldown, else undefined (the caller keeps its failure). */
  private refreshed(source: JwksSource): Entry | undefined {
    if (source.jwks || !source.jwksUri) return undefined;
    const entry = this.cache.get(source.id);
    if (entry && this.clock.now() - entry.fetchedAt < JWKS_REFETCH_COOLDOWN_MS) return undefined;
    return this.load(source);
  }

  private load(source: JwksSource): Entry {
    const set = this.fetchSet(source);
    const entry: Entry = { version: source.version, fetchedAt: this.clock.now(), set, keys: set.then(createLocalJWKSet) };
    this.cache.set(source.id, entry, JWKS_CACHE_TTL_MS);
    entry.keys.catch(() => {
      if (this.cache.get(source.id) === entry) this.cache.delete(source.id);
    });
    return entry;
  }

  private async fetchSet(source: JwksSource): Promise<JSONWebKeySet> {
    return (source.jwks ?? (source.jwksUri ? await this.fetcher.fetchJson(source.jwksUri) : { keys: [] })) as JSONWebKeySet;
  }
}
