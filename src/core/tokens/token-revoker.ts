import { inject, injectable } from "tsyringe";
import type { AuthenticatedClient } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { RevocationService, TokenValidator } from "./access-token.js";
import { findToken } from "./find-token.js";

/** RFC 7009 revocation on behalf of a client: a refresh token revokes its whole grant; unknown tokens are a no-op. */
@injectable()
export class TokenRevoker {
  constructor(
    @inject(DI.TokenValidator) private readonly validator: TokenValidator,
    @inject(DI.Revocation) private readonly revocation: RevocationService,
  ) {}

  /** Revokes `token` if it belongs to `caller`; another client's token is refused (RFC 7009 §2.1). */
  async revoke(token: string, hint: string | undefined, caller: AuthenticatedClient): Promise<void> {
    const found = await findToken(this.validator, token, hint);
    if (!found) return;
    if (found.clientId !== caller.client.clientId) throw OAuthErrors.unauthorizedClient("the token was not issued to this client");
    if (found.kind === "refresh_token" && found.grantId) await this.revocation.revokeGrant(found.grantId);
    else await this.revocation.revokeAccessToken(found);
  }
}
