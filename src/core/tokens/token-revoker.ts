import { inject, injectable } from "tsyringe";
import type { AuthenticatedClient } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { DurableStorage } from "../ports/repositories.js";
import { secretDigest } from "../security/digest.js";
import type { RevocationReason, RevocationService, TokenValidator } from "./access-token.js";
import { findToken } from "./find-token.js";

/** RFC 7009 revocation on behalf of a client: a refresh token revokes its whole grant; unknown tokens are a no-op. */
@injectable()
export class TokenRevoker {
  constructor(
    @inject(DI.TokenValidator) private readonly validator: TokenValidator,
    @inject(DI.Revocation) private readonly revocation: RevocationService,
    @inject(DI.Durable) private readonly storage: DurableStorage,
  ) {}

  /**
   * Revokes `token`. With an `owner` (a client at /revoke) the token must have been issued to it, else
   * unauthorized_client (RFC 7009 §2.1); trusted internal callers (gRPC Revoke) pass none.
   */
  async revoke(token: string, hint: string | undefined, owner?: AuthenticatedClient): Promise<void> {
    const found = await findToken(this.validator, token, hint);
    if (!found) return this.revokeRotated(token, owner);
    if (owner && found.clientId !== owner.client.clientId) throw OAuthErrors.unauthorizedClient("the token was not issued to this client");
    if (found.kind === "refresh_token" && found.grantId) await this.revocation.revokeGrant(found.grantId, requestBy(owner));
    else await this.revocation.revokeAccessToken(found, requestBy(owner));
  }

  /** A refresh token already rotated (e.g. by a racing refresh) still names its grant: revoke that grant (corpus O86). */
  private async revokeRotated(token: string, owner: AuthenticatedClient | undefined): Promise<void> {
    if (token.length > 512) return;
    const record = await this.storage.grants.findRefreshToken(secretDigest(token));
    if (record?.status === "rotated" && (!owner || record.clientId === owner.client.clientId)) await this.revocation.revokeGrant(record.grantId, requestBy(owner));
  }
}

/** A revocation request, by the client when one asked (RFC 7009 §2.1). */
function requestBy(owner: AuthenticatedClient | undefined): RevocationReason {
  return owner ? { cause: "request", clientId: owner.client.clientId } : { cause: "request" };
}
