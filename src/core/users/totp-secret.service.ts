import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { DI } from "../di-tokens.js";
import type { Sealer } from "../keys/key-service.js";
import type { RandomSource } from "../ports/clock.js";
import type { DurableStorage, User } from "../ports/repositories.js";
import { base32 } from "../security/base32.js";

/** Secret length: 160 bits, the HMAC-SHA1 output size (RFC 4226 §4 R6). */
const SECRET_BYTES = 20;

/** What an operator hands to the user's authenticator app when TOTP is enabled. */
export interface TotpEnrollment {
  /** The secret, base32 without padding (RFC 4648 §6). */
  secret: string;
  /** `otpauth://totp/…` key URI (the de-facto Key Uri Format), for a QR code. */
  uri: string;
}

/** Users' TOTP secrets (RFC 6238): generated from DI.Random, sealed at rest bound to the user id, unsealed for login. */
@injectable()
export class TotpSecretService {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Sealer) private readonly sealer: Sealer,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Generates and stores a new secret for `username` (replacing any); throws RangeError for an unknown user. */
  async enable(username: string): Promise<TotpEnrollment> {
    const user = await this.user(username);
    const secret = Buffer.from(this.random.token(SECRET_BYTES), "base64url");
    await this.storage.users.setTotpSecret(user.id, this.sealer.seal(secret.toString("base64url"), aad(user.id)));
    const issuer = new URL(this.config.issuer).host;
    const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(user.username)}`;
    const query = new URLSearchParams({ secret: base32(secret), issuer, algorithm: "SHA1", digits: "6", period: "30" });
    return { secret: base32(secret), uri: `otpauth://totp/${label}?${query}` };
  }

  /** Removes the secret of `username`; throws RangeError for an unknown user. */
  async disable(username: string): Promise<void> {
    await this.storage.users.setTotpSecret((await this.user(username)).id, undefined);
  }

  /** The user's unsealed secret, or undefined when not enrolled; throws when the sealed value was tampered with. */
  secretOf(user: User): Buffer | undefined {
    return user.totpSecret === undefined ? undefined : Buffer.from(this.sealer.unseal(user.totpSecret, aad(user.id)), "base64url");
  }

  private async user(username: string): Promise<User> {
    const user = await this.storage.users.findByUsername(username);
    if (!user) throw new RangeError(`unknown user "${username}"`);
    return user;
  }
}

/** Binds a sealed secret to its user, so a secret copied onto another row does not unseal. */
const aad = (userId: string): string => `totp:${userId}`;
