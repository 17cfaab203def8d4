import type { JWK, JWTPayload, JWTVerifyOptions } from "jose";
import { inject, injectable } from "tsyringe";
import type { Client } from "../../plugin-sdk/client.js";
import { DI } from "../di-tokens.js";
import { JwksCache, type JwksSource } from "../keys/jwks-cache.js";
import type { Clock } from "../ports/clock.js";
import { SafeFetcher } from "../security/safe-fetch.js";
import { CLIENT_CACHE_MAX_ENTRIES } from "./client-cache.js";

/** Asymmetric algs accepted for JWTs a client signs with its own keys: never `none`, never HMAC (CVE-2015-2951, CVE-2016-10555). */
export const CLIENT_KEY_ALGORITHMS: ReadonlySet<string> = new Set(["PS256", "ES256", "EdDSA", "RS256", "PS384", "ES384", "RS384"]);

/** The client's registered keys as a cache source, versioned by its registration. */
function sourceOf(client: Client): JwksSource {
  const { jwks, jwks_uri: jwksUri } = client.metadata;
  return { id: client.clientId, version: `${client.updatedAt}|${jwksUri ?? ""}`, jwks, jwksUri };
}

/**
 * Each client's own verification keys, from its registered `jwks` or its `jwks_uri` (OIDC Core §10.1.1, RFC 7591 §2):
 * a JwksCache keyed by client id whose entries go stale when the client's registration changes.
 */
@injectable()
export class ClientJwksCache {
  private readonly cache: JwksCache;

  constructor(@inject(SafeFetcher) fetcher: SafeFetcher, @inject(DI.Clock) clock: Clock) {
    this.cache = new JwksCache(fetcher, clock, CLIENT_CACHE_MAX_ENTRIES);
  }

  /**
   * Verifies a JWT signed by `client` with its own keys only (client assertions, request objects); an unknown `kid`
   * refetches `jwks_uri` once per cooldown. Throws jose errors (bad JWT) or SafeFetchError (keys unavailable).
   */
  verify(client: Client, jwt: string, options: JWTVerifyOptions): Promise<JWTPayload> {
    return this.cache.verify(sourceOf(client), jwt, options);
  }

  /** The first of the client's keys that `matches` (RFC 8705 §2.2.2); a miss refetches `jwks_uri` once per cooldown. */
  findKey(client: Client, matches: (key: JWK) => boolean): Promise<JWK | undefined> {
    return this.cache.findKey(sourceOf(client), matches);
  }
}
