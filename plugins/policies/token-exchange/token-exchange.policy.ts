import { OAuthErrors, type TokenExchangePermit, type TokenExchangePolicy, type TokenExchangeQuery } from "portcullis/plugin-sdk";
import type { TokenExchangeSettings } from "./token-exchange-metadata.field.js";

/**
 * The shipped token-exchange policy (RFC 8693 §5): a client may do only what its `token_exchange` metadata allows, and
 * nothing without it. Token refusals are invalid_request (RFC 8693 §2.2.2), audiences invalid_target.
 */
export class ClientMetadataTokenExchangePolicy implements TokenExchangePolicy {
  readonly id = "client-metadata";

  async evaluate(query: TokenExchangeQuery): Promise<TokenExchangePermit> {
    const settings = query.client.metadata.token_exchange as TokenExchangeSettings | undefined;
    if (!settings) throw OAuthErrors.unauthorizedClient("the client is not configured for token exchange");
    if (!settings.subject_token_types.includes(query.subjectToken.type)) throw OAuthErrors.invalidRequest("subject_token_type is not allowed for this client");
    const actor = query.actorToken;
    if (!actor && !settings.impersonation) throw OAuthErrors.invalidRequest("impersonation (no actor_token) is not allowed for this client");
    if (actor && !settings.delegation) throw OAuthErrors.invalidRequest("delegation (actor_token) is not allowed for this client");
    if (actor && !settings.actor_token_types.includes(actor.type)) throw OAuthErrors.invalidRequest("actor_token_type is not allowed for this client");
    if (actor?.clientId !== undefined && actor.clientId !== query.client.clientId) throw OAuthErrors.invalidRequest("actor_token was not issued to this client");
    const denied = query.audiences.find((audience) => !settings.audiences.includes(audience));
    if (denied !== undefined) throw OAuthErrors.invalidTarget(`audience "${denied}" is not allowed for this client`);
    if (query.refreshToken && !settings.refresh_tokens) throw OAuthErrors.invalidRequest("refresh tokens are not allowed for this client's exchanges");
    return { releaseSenderConstraint: settings.release_sender_constraint };
  }
}
