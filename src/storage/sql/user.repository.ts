import type { Knex } from "knex";
import type { User, UserRepository } from "../../core/ports/repositories.js";
import { orNull, withoutNulls } from "./rows.js";

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  email: string | null;
  name: string | null;
  disabled: number | boolean;
  created_at: number;
  totp_secret: string | null;
}

function fromRow(row: UserRow): User {
  return withoutNulls<User>({
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    email: row.email,
    name: row.name,
    disabled: Boolean(row.disabled),
    createdAt: row.created_at,
    totpSecret: row.totp_secret,
  });
}

/** Local users; usernames are unique (a duplicate insert rejects). */
export class SqlUserRepository implements UserRepository {
  constructor(private readonly db: Knex) {}

  async insert(user: User): Promise<void> {
    await this.db("users").insert({
      id: user.id,
      username: user.username,
      password_hash: user.passwordHash,
      email: orNull(user.email),
      name: orNull(user.name),
      disabled: user.disabled,
      created_at: user.createdAt,
      totp_secret: orNull(user.totpSecret),
    } satisfies UserRow);
  }

  async findById(id: string): Promise<User | undefined> {
    return this.findBy({ id });
  }

  async findByUsername(username: string): Promise<User | undefined> {
    return this.findBy({ username });
  }

  async setTotpSecret(userId: string, sealed: string | undefined): Promise<void> {
    await this.db("users").where({ id: userId }).update({ totp_secret: orNull(sealed) });
  }

  async setDisabled(userId: string, disabled: boolean): Promise<boolean> {
    return (await this.db("users").where({ id: userId }).update({ disabled })) > 0;
  }

  private async findBy(where: Partial<UserRow>): Promise<User | undefined> {
    const row = await this.db<UserRow>("users").where(where).first();
    return row && fromRow(row);
  }
}
