import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { DurableStorage, User } from "../ports/repositories.js";
import { LogoutService } from "../sessions/logout.service.js";
import type { RevocationService } from "../tokens/access-token.js";
import { hashPassword } from "./password-hasher.js";

export class UserExistsError extends Error {
  override name = "UserExistsError";
}

/** Creates, disables and re-enables end-user accounts (the login pages and authenticators of the browser flows use them). */
@injectable()
export class UserService {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(LogoutService) private readonly logout: LogoutService,
    @inject(DI.Revocation) private readonly revocation: RevocationService,
  ) {}

  async create(input: { username: string; password: string; email?: string; name?: string }): Promise<Omit<User, "passwordHash">> {
    if (!input.username.trim() || input.password.length < 8) throw new RangeError("username is required and the password needs at least 8 characters");
    if (await this.storage.users.findByUsername(input.username)) throw new UserExistsError(`user "${input.username}" already exists`);
    const user: User = {
      id: this.random.id(),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      email: input.email,
      name: input.name,
      disabled: false,
      createdAt: this.clock.now(),
    };
    await this.storage.users.insert(user);
    const { passwordHash: _omitted, ...visible } = user;
    return visible;
  }

  /**
   * Stops the user signing in, ends their SSO sessions (with back-channel logout) and revokes their grants, so their
   * refresh tokens and every access token of those grants stop working (RFC 7009 §2.1).
   */
  async disable(username: string): Promise<{ username: string; disabled: true; sessionsEnded: number; grantsRevoked: number }> {
    const user = await this.existing(username);
    await this.storage.users.setDisabled(user.id, true);
    const sessionsEnded = await this.logout.logoutEverywhere(user.id);
    const grantIds = await this.storage.grants.revokeForUser(user.id, this.clock.now());
    for (const grantId of grantIds) await this.revocation.revokeGrant(grantId);
    return { username, disabled: true, sessionsEnded, grantsRevoked: grantIds.length };
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
