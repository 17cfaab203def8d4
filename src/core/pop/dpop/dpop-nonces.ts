import { createHmac, timingSafeEqual } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { DI } from "../../di-tokens.js";
import type { Clock, RandomSource } from "../../ports/clock.js";
import type { DurableStorage } from "../../ports/repositories.js";
import { SharedSecret } from "../../security/shared-secret.js";

/** A nonce names one window of this length; the current and the previous window are accepted, so a nonce lives 5–10 minutes. */
export const DPOP_NONCE_WINDOW_MS = 300_000;
/** Name of the HMAC key in `serverSecrets`: created once, shared by every node. */
const NONCE_KEY = "dpop-nonce-key";

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9), stateless: base64url(HMAC-SHA-256(shared key, window number)), so every
 * node issues the same nonce in a window and accepts another node's without shared state, and nonces rotate by
 * themselves. Nothing is stored per nonce: a nonce is a freshness token, not single use (the proof's `jti` is).
 */
@injectable()
export class DpopNonces {
  readonly #key: SharedSecret;
  #cached: { window: number; nonce: string } | undefined;

  constructor(
    @inject(DI.Durable) storage: DurableStorage,
    @inject(DI.Random) random: RandomSource,
    @inject(DI.Clock) private readonly clock: Clock,
  ) {
    this.#key = new SharedSecret(storage, random, NONCE_KEY);
  }

  /** The nonce of the current window, for a `DPoP-Nonce` header. */
  async current(): Promise<string> {
    return this.#of(this.#window());
  }

  /** True when `nonce` is the current or the previous window's. */
  async isFresh(nonce: unknown): Promise<boolean> {
    if (typeof nonce !== "string") return false;
    const window = this.#window();
    const presented = Buffer.from(nonce);
    for (const candidate of [await this.#of(window), await this.#of(window - 1)]) {
      const expected = Buffer.from(candidate);
      if (expected.length === presented.length && timingSafeEqual(expected, presented)) return true;
    }
    return false;
  }

  #window(): number {
    return Math.floor(this.clock.now() / DPOP_NONCE_WINDOW_MS);
  }

  async #of(window: number): Promise<string> {
    if (this.#cached?.window === window) return this.#cached.nonce;
    const nonce = createHmac("sha256", Buffer.from(await this.#key.value(), "base64url")).update(`dpop-nonce:${window}`).digest("base64url");
    if (window === this.#window()) this.#cached = { window, nonce };
    return nonce;
  }
}
