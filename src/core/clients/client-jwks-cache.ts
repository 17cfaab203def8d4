import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from "jose";
import { inject, injectable } from "tsyringe";
import type { Client } from "../../plugin-sdk/client.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import { SafeFetcher } from "../security/safe-fetch.js";
import { CLIENT_CACHE_MAX_ENTRIES } from "./client-cache.js";
import { TtlCache } from "./ttl-cache.js";

/** Asymmetric algs accepted for JWTs a client signs with its own keys: never `none`, never HMAC (CVE-2015-2951, CVE-2016-10555). */
export const CLIENT_KEY_ALGORITHMS: ReadonlySet<string> = new Set(["PS256", "ES256", "EdDSA", "RS256", "PS384", "ES384", "RS384"]);

/** How long a client's key set is reused before `jwks_uri` is fetched again (ms). */
export const JWKS_CACHE_TTL_MS = 300_000;
/** Least time between two fetches of one client's `jwks_uri` on an unknown `kid` (ms). */
export const JWKS_REFETCH_COOLDOWN_MS = 30_000;

interface Entry {
  /** What the keys were built from; a change of the client's registration makes the entry stale. */
  version: string;
  fetchedAt: number;
  keys: Promise<JWTVerifyGetKey>;
}

const versionOf = (client: Client) => `${client.updatedAt}|${client.metadata.jwks_uri ?? ""}`;

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

/**
 * Each client's own verification keys, from its registered `jwks` or its `jwks_uri` fetched through the SafeFetcher
 * (OIDC Core §10.1.1, RFC 7591 §2): cached per client, refetched at most once per cooldown when a `kid` is unknown.
 */
@injectable()
export class ClientJwksCache {
  private readonly cache: TtlCache<Entry>;

  constructor(
    @inject(SafeFetcher) private readonly fetcher: SafeFetcher,
    @inject(DI.Clock) private readonly clock: Clock,
  ) {
    this.cache = new TtlCache(clock, CLIENT_CACHE_MAX_ENTRIES);
  }

  /** The client's key resolver; throws SafeFetchError or a jose JWKSInvalid error when keys cannot be had. */
  keys(client: Client): Promise<JWTVerifyGetKey> {
    const entry = this.cache.get(client.clientId);
    return entry?.version === versionOf(client) ? entry.keys : this.load(client);
  }

  /**
   * Verifies a JWT signed by `client` with its own keys only (client assertions, request objects); an unknown `kid`
   * refetches `jwks_uri` once (OIDC Core §10.1.1). Throws jose errors (bad JWT) or SafeFetchError (keys unavailable).
   */
  async verify(client: Client, jwt: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    try {
      return await verifyWithAnyKey(jwt, await this.keys(client), options);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const fresh = await this.refreshed(client);
      if (!fresh) throw error;
      return verifyWithAnyKey(jwt, fresh, options);
    }
  }

  /** Freshly fetched keys for a `jwks_uri` client outside the cooldown, else undefined (the caller keeps its failure). */
  async refreshed(client: Client): Promise<JWTVerifyGetKey | undefined> {
    if (client.metadata.jwks || !client.metadata.jwks_uri) return undefined;
    const entry = this.cache.get(client.clientId);
    if (entry && this.clock.now() - entry.fetchedAt < JWKS_REFETCH_COOLDOWN_MS) return undefined;
    return this.load(client);
  }

  private load(client: Client): Promise<JWTVerifyGetKey> {
    const entry: Entry = { version: versionOf(client), fetchedAt: this.clock.now(), keys: this.build(client) };
    this.cache.set(client.clientId, entry, JWKS_CACHE_TTL_MS);
    entry.keys.catch(() => {
      if (this.cache.get(client.clientId) === entry) this.cache.delete(client.clientId);
    });
    return entry.keys;
  }

  private async build(client: Client): Promise<JWTVerifyGetKey> {
    const { jwks, jwks_uri: uri } = client.metadata;
    const set = jwks ?? (uri ? await this.fetcher.fetchJson(uri) : { keys: [] });
    return createLocalJWKSet(set as JSONWebKeySet);
  }
}
