import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import { secretDigest } from "../security/digest.js";
import { registrationPolicyOf, type RegistrationPolicy } from "./registration-policy.js";

/** 256-bit initial access tokens. */
const TOKEN_BYTES = 32;

/**
 * Initial access tokens that authorize dynamic registration (RFC 7591 §3), each with what it requires of the
 * registrations it authorizes (software statement, approved issuers and software ids, evidence); only their SHA-256
 * digests are stored.
 */
@injectable()
export class InitialAccessTokens {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
  ) {}

  /** Issues a token, valid for `ttlSeconds` or until deleted; the plaintext is returned once and never stored. */
  async create(ttlSeconds?: number, policy: RegistrationPolicy = {}): Promise<{ token: string; expiresAt?: string; policy: RegistrationPolicy }> {
    if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) throw new RangeError("ttl must be a positive whole number of seconds");
    const stored = registrationPolicyOf(policy);
    const token = this.random.token(TOKEN_BYTES);
    const createdAt = this.clock.now();
    const expiresAt = ttlSeconds === undefined ? undefined : createdAt + ttlSeconds * 1000;
    await this.storage.registrationTokens.insert({ digest: secretDigest(token), createdAt, ...(expiresAt !== undefined && { expiresAt }), ...(Object.keys(stored).length > 0 && { policy: stored }) });
    return { token, ...(expiresAt !== undefined && { expiresAt: new Date(expiresAt).toISOString() }), policy: stored };
  }

  /** The policy of a live token, or undefined for anything else; looked up by digest, so timing reveals nothing about valid values. */
  async policyOf(token: string): Promise<RegistrationPolicy | undefined> {
    const record = await this.storage.registrationTokens.findValid(secretDigest(token), this.clock.now());
    return record && (record.policy ?? {});
  }
}
