import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import { secretDigest } from "../security/digest.js";

/** 256-bit initial access tokens. */
const TOKEN_BYTES = 32;

/** Initial access tokens that authorize dynamic registration (RFC 7591 §3); only their SHA-256 digests are stored. */
@injectable()
export class InitialAccessTokens {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
  ) {}

  /** Issues a token, valid for `ttlSeconds` or until deleted; the plaintext is returned once and never stored. */
  async create(ttlSeconds?: number): Promise<{ token: string; expiresAt?: string }> {
    if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) throw new RangeError("ttl must be a positive whole number of seconds");
    const token = this.random.token(TOKEN_BYTES);
    const createdAt = this.clock.now();
    const expiresAt = ttlSeconds === undefined ? undefined : createdAt + ttlSeconds * 1000;
    await this.storage.registrationTokens.insert({ digest: secretDigest(token), createdAt, ...(expiresAt === undefined ? {} : { expiresAt }) });
    return expiresAt === undefined ? { token } : { token, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** True for a live token; looked up by digest, so response timing reveals nothing about valid token values. */
  verify(token: string): Promise<boolean> {
    return this.storage.registrationTokens.isValid(secretDigest(token), this.clock.now());
  }
}
