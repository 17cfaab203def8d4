import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";

const key = (jti: string) => `userinfo-claims:${jti}`;

/**
 * The `userinfo` member of an authorization's `claims` request parameter (OIDC Core §5.5), kept in the ephemeral
 * store under the access token's `jti` until the token expires, so it never has to travel inside the token.
 */
@injectable()
export class UserinfoClaimsRequests {
  constructor(
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Clock) private readonly clock: Clock,
  ) {}

  /** Remembers `requested` for the access token `jti` that expires at `exp` (epoch seconds). */
  async remember(jti: string, exp: number, requested: Record<string, unknown>): Promise<void> {
    await this.store.put(key(jti), JSON.stringify(requested), Math.max(1, exp * 1000 - this.clock.now()));
  }

  /** The requested userinfo claims of access token `jti`, if its authorization sent any. */
  async find(jti: string): Promise<Record<string, unknown> | undefined> {
    const stored = await this.store.get(key(jti));
    return stored === undefined ? undefined : (JSON.parse(stored) as Record<string, unknown>);
  }
}
