import { inject, injectable } from "tsyringe";
import { AuditRecorderToken, type AuditRecorder } from "../audit/audit-trail.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { DurableStorage, User } from "../ports/repositories.js";
import { LogoutService } from "../sessions/logout.service.js";

/** Disables and re-enables end-user accounts (operator CLI); a disabled user cannot sign in and holds no live grant. */
@injectable()
export class UserAccessService {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(LogoutService) private readonly logout: LogoutService,
    @inject(AuditRecorderToken) private readonly audit: AuditRecorder,
  ) {}

  /**
   * Stops the user signing in, ends their SSO sessions (with back-channel logout) and revokes all their grants, so
   * their refresh tokens and every access token of those grants stop working on every node (RFC 7009 §2.1).
   */
  async disable(username: string): Promise<{ username: string; disabled: true; sessionsEnded: number; grantsRevoked: number }> {
    const user = await this.existing(username);
    await this.storage.users.setDisabled(user.id, true);
    this.audit.record({ type: "user.disabled", userId: user.id, username: user.username });
    const sessionsEnded = await this.logout.logoutEverywhere(user.id);
    const grantsRevoked = (await this.storage.grants.revokeForUser(user.id, this.clock.now())).length;
    return { username, disabled: true, sessionsEnded, grantsRevoked };
  }

  /** Lets a disabled user sign in again (their ended sessions and revoked grants stay ended). */
  async enable(username: string): Promise<{ username: string; disabled: false }> {
    await this.storage.users.setDisabled((await this.existing(username)).id, false);
    return { username, disabled: false };
  }

  private async existing(username: string): Promise<User> {
    const user = await this.storage.users.findByUsername(username);
    if (!user) throw new RangeError(`unknown user "${username}"`);
    return user;
  }
}
