import { inject, injectable } from "tsyringe";
import type { AttestationChallenges } from "../../plugin-sdk/attestation.js";
import { DI } from "../di-tokens.js";
import type { Sealer } from "../keys/key-service.js";
import type { Clock } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { secretDigest } from "../security/digest.js";

/** Associated data binding a sealed value to this use (a sealed value of another kind never opens as a challenge). */
const PURPOSE = "attestation-challenge";
/** How long a challenge is accepted (ms): time to fetch an attestation or evidence and send the request. */
export const CHALLENGE_LIFETIME_MS = 300_000;

/**
 * Server-provided challenges (draft-ietf-oauth-attestation-based-client-auth-11 §6, §12.1): self-contained (the expiry
 * sealed with AES-256-GCM, so issuing stores nothing and any node accepts it) and single use (the first `consume`
 * records its digest until it expires, atomically on every node).
 */
@injectable()
export class AttestationChallengeService implements AttestationChallenges {
  constructor(
    @inject(DI.Sealer) private readonly sealer: Sealer,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
  ) {}

  issue(): string {
    return this.sealer.seal(String(this.clock.now() + CHALLENGE_LIFETIME_MS), PURPOSE);
  }

  async consume(challenge: string): Promise<boolean> {
    const remaining = this.expiresAt(challenge) - this.clock.now();
    if (!(remaining > 0)) return false;
    return this.store.putIfAbsent(`att-challenge:${secretDigest(challenge)}`, "1", remaining);
  }

  /** The sealed expiry (epoch ms), or NaN for anything this server did not issue. */
  private expiresAt(challenge: string): number {
    if (typeof challenge !== "string" || challenge.length > 512) return Number.NaN;
    try {
      return Number(this.sealer.unseal(challenge, PURPOSE));
    } catch {
      return Number.NaN;
    }
  }
}
