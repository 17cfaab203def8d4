import { inject, injectable } from "tsyringe";
import type { AuthenticatedUser, AuthenticationSeal } from "../../plugin-sdk/capabilities.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { Sealer } from "../keys/key-service.js";
import { isVouched, vouch } from "../security/vouched.js";

/** Associated data binding sealed values to this use (a sealed secret of another kind never opens as one). */
const PURPOSE = "authenticated-user";

/** Seals a vouched authentication (AES-256-GCM with the server key) so it can cross requests and nodes unaltered. */
@injectable()
export class AuthenticationSealService implements AuthenticationSeal {
  constructor(@inject(DI.Sealer) private readonly sealer: Sealer) {}

  seal(user: AuthenticatedUser): string {
    if (!isVouched(user)) throw new Error("only an authentication core issued can be sealed");
    return this.sealer.seal(JSON.stringify(user), PURPOSE);
  }

  unseal(sealed: string): AuthenticatedUser {
    let user: AuthenticatedUser;
    try {
      user = JSON.parse(this.sealer.unseal(sealed, PURPOSE)) as AuthenticatedUser;
    } catch (cause) {
      throw OAuthErrors.invalidGrant("the authentication record is invalid", { cause });
    }
    return vouch(user);
  }
}
