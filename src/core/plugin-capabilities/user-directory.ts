import { inject, injectable } from "tsyringe";
import type { AuthnUser } from "../../plugin-sdk/authenticator.js";
import type { UserDirectory } from "../../plugin-sdk/capabilities.js";
import { DI } from "../di-tokens.js";
import type { DurableStorage, User } from "../ports/repositories.js";

/** A user as plugins see it: id, username and whether it is disabled; never a hash or a secret. */
export const toAuthnUser = (user: User | undefined): AuthnUser | undefined => user && { id: user.id, username: user.username, disabled: user.disabled };

/** The plugins' view of end-user accounts (PluginTokens.Users, GrantContext.users). */
@injectable()
export class UserDirectoryService implements UserDirectory {
  constructor(@inject(DI.Durable) private readonly storage: DurableStorage) {}

  async findById(id: string): Promise<AuthnUser | undefined> {
    return toAuthnUser(await this.storage.users.findById(id));
  }

  async findByUsername(username: string): Promise<AuthnUser | undefined> {
    return toAuthnUser(await this.storage.users.findByUsername(username));
  }
}
