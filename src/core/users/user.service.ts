import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { DurableStorage, User } from "../ports/repositories.js";
import { hashPassword } from "./password-hasher.js";

export class UserExistsError extends Error {
  override name = "UserExistsError";
}

/** Creates end-user accounts (the login pages and authenticators of the browser flows use them). */
@injectable()
export class UserService {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
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
}
