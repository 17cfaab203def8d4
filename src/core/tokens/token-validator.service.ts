import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { DI } from "../di-tokens.js";
import { ClientCache } from "../clients/client-cache.js";
import { isCompactJws, JwtVerifier, MAX_TOKEN_LENGTH } from "../keys/jwt-verifier.js";
import type { Clock } from "../ports/clock.js";
import type { EphemeralStore, RevocationBus, RevocationEvent } from "../ports/ephemeral-store.js";
import type { DurableStorage } from "../ports/repositories.js";
import { secretDigest } from "../security/digest.js";
import { confirmationOf } from "../../plugin-sdk/sender-binding.js";
import type { AccessTokenClaims, ActiveToken, TokenValidator } from "./access-token.js";
import { ACCESS_TOKEN_TYP, opaqueTokenKey } from "./jwt-access-token.minter.js";
import { revokedGrantKey, revokedTokenKey } from "./revocation.service.js";

/** Verified JWTs kept in process; bounded so memory stays flat under any load (DESIGN "Hot paths"). */
const CACHE_SIZE = 10_000;

/** The claims object when every member this server relies on has the right type (RFC 9068 §2.2). */
function accessTokenClaims(value: unknown): AccessTokenClaims | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const { iss, sub, aud, exp, iat, jti, client_id, scope, gid } = value as Record<string, unknown>;
  const audience = typeof aud === "string" || (Array.isArray(aud) && aud.every((a) => typeof a === "string"));
  const strings = [iss, sub, jti, client_id].every((v) => typeof v === "string");
  const optional = [scope, gid].every((v) => v === undefined || typeof v === "string");
  return audience && strings && optional && Number.isFinite(exp) && Number.isFinite(iat) ? (value as AccessTokenClaims) : undefined;
}

/** The cache key of a compact JWS: its last 22 characters, 132 bits of its signature (RFC 7515 §7.1); a collision is only a miss. */
function cacheKey(token: string): string {
  return token.slice(-22);
}

function toActive(kind: ActiveToken["kind"], format: ActiveToken["format"], claims: AccessTokenClaims, digest?: string): ActiveToken {
  return Object.freeze({
    kind,
    format,
    clientId: claims.client_id,
    subject: claims.sub,
    scopes: claims.scope ? claims.scope.split(" ") : [],
    audiences: typeof claims.aud === "string" ? [claims.aud] : claims.aud,
    issuedAt: claims.iat,
    expiresAt: claims.exp,
    jti: claims.jti,
    grantId: claims.gid,
    tokenType: claims.cnf?.jkt ? "DPoP" : "Bearer",
    claims: Object.freeze(claims),
    digest,
  });
}

/**
 * Validates tokens this server issued (RFC 9068 §4, RFC 7662 §2.2): JWTs by signature and claims (cached until exp),
 * opaque tokens by digest lookup; then the revocation index, on every call, since another node may have revoked.
 */
@injectable()
export class TokenValidatorService implements TokenValidator {
  /**
   * Verified JWTs by the tail of their signature (hashing a short key instead of the whole token on every call), each
   * with its full token to compare; insertion order (oldest first), evicted first-in first-out so a hit writes nothing.
   */
  readonly #cache = new Map<string, { token: string; active: ActiveToken }>();
  readonly #unsubscribe: () => void;

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Durable) private readonly durable: DurableStorage,
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.RevocationBus) bus: RevocationBus,
    @inject(JwtVerifier) private readonly verifier: JwtVerifier,
    @inject(ClientCache) private readonly clients: ClientCache,
  ) {
    this.#unsubscribe = bus.subscribe((event) => this.#evict(event));
  }

  /** Stops listening to revocation events. */
  stop(): void {
    this.#unsubscribe();
    this.#cache.clear();
  }

  async validateAccessToken(token: string): Promise<ActiveToken | undefined> {
    if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    const active = this.#cached(token) ?? (isCompactJws(token) ? await this.#verifyJwt(token) : await this.#lookupOpaque(token));
    if (!active) return undefined;
    const revocationKeys = active.grantId === undefined ? [revokedTokenKey(active.jti)] : [revokedTokenKey(active.jti), revokedGrantKey(active.grantId)];
    if ((await this.store.exists(revocationKeys)).includes(true)) return undefined;
    return (await this.clients.find(active.clientId)) ? active : undefined;
  }

  /** Active only while the token is `active` (a rotated one is not), unexpired, and its grant unrevoked (RFC 7662 §2.2); `cnf` when its grant is bound (RFC 9449 §6.2). */
  async validateRefreshToken(token: string): Promise<ActiveToken | undefined> {
    if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return undefined;
    const record = await this.durable.grants.findRefreshToken(secretDigest(token));
    if (!record || record.status !== "active" || record.expiresAt <= this.clock.now()) return undefined;
    const grant = await this.durable.grants.findGrant(record.grantId);
    if (!grant || grant.revokedAt != null || grant.expiresAt <= this.clock.now()) return undefined;
    if (!(await this.clients.find(record.clientId))) return undefined;
    const claims: AccessTokenClaims = {
      iss: this.config.issuer,
      sub: grant.subject,
      aud: grant.resources,
      exp: Math.floor(record.expiresAt / 1000),
      iat: Math.floor(record.createdAt / 1000),
      jti: record.id,
      client_id: record.clientId,
      gid: grant.id,
    };
    if (grant.scopes.length > 0) claims.scope = grant.scopes.join(" ");
    const cnf = grant.binding && confirmationOf(grant.binding);
    if (cnf) claims.cnf = cnf;
    return toActive("refresh_token", "opaque", claims);
  }

  async #verifyJwt(token: string): Promise<ActiveToken | undefined> {
    const result = await this.verifier.verify(token, { typ: ACCESS_TOKEN_TYP });
    const active = result.valid ? this.#accept(result.payload, "jwt") : undefined;
    if (active) this.#remember(token, active);
    return active;
  }

  async #lookupOpaque(token: string): Promise<ActiveToken | undefined> {
    const digest = secretDigest(token);
    const stored = await this.store.get(opaqueTokenKey(digest));
    return stored === undefined ? undefined : this.#accept(JSON.parse(stored), "opaque", digest);
  }

  /** Our own tokens get no exp leeway; iat may not lie in the future beyond the clock tolerance. */
  #accept(payload: unknown, format: ActiveToken["format"], digest?: string): ActiveToken | undefined {
    const claims = accessTokenClaims(payload);
    const now = this.clock.now();
    if (!claims || claims.iss !== this.config.issuer || claims.exp * 1000 <= now) return undefined;
    if (claims.iat > claims.exp || (claims.iat - this.config.clockTolerance) * 1000 > now) return undefined;
    return toActive("access_token", format, claims, digest);
  }

  #cached(token: string): ActiveToken | undefined {
    const key = cacheKey(token);
    const hit = this.#cache.get(key);
    if (!hit || hit.token !== token) return undefined;
    if (hit.active.expiresAt * 1000 > this.clock.now()) return hit.active;
    this.#cache.delete(key);
    return undefined;
  }

  #remember(token: string, active: ActiveToken): void {
    if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(cacheKey(token), { token, active });
  }

  #evict(event: RevocationEvent): void {
    const field = event.kind === "token" ? "jti" : event.kind === "grant" ? "grantId" : "clientId";
    for (const [key, { active }] of this.#cache) if (active[field] === event.id) this.#cache.delete(key);
  }
}
