import { inject, injectable } from "tsyringe";
import type { AuthenticatedUser } from "../../plugin-sdk/capabilities.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { ClientCache } from "../clients/client-cache.js";
import { DI } from "../di-tokens.js";
import type { DurableStorage } from "../ports/repositories.js";
import { ConsentService } from "../sessions/consent.service.js";

/**
 * Whether an end-user's approval still stands when a plugin acts on it later (BrowserSignIn.assertStillAuthorized):
 * the user still exists and is enabled, and a client that asks for consent (OIDC Core §3.1.2.4) still has it.
 */
@injectable()
export class AuthorizationStanding {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(ConsentService) private readonly consents: ConsentService,
    @inject(ClientCache) private readonly clients: ClientCache,
  ) {}

  /** Throws invalid_grant for a deleted or disabled user or a deleted client, access_denied when consent no longer covers `scopes`. */
  async assert(authentication: AuthenticatedUser, clientId: string, scopes: readonly string[]): Promise<void> {
    const user = await this.storage.users.findById(authentication.subject);
    if (!user || user.disabled) throw OAuthErrors.invalidGrant("the end-user who approved the request is no longer active");
    const client = await this.clients.find(clientId);
    if (!client) throw OAuthErrors.invalidGrant("the client no longer exists");
    if (client.metadata.skip_consent === true) return;
    if (!(await this.consents.covers(user.id, clientId, scopes))) throw OAuthErrors.accessDenied("the end-user's consent was revoked");
  }
}
