import { inject, injectable } from "tsyringe";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { FormParams } from "../../plugin-sdk/form-params.js";
import { ClientCache } from "../clients/client-cache.js";
import { IdTokenHintVerifier, type IdTokenHint } from "../tokens/id-token-hint.verifier.js";

/** Parameters of an RP-initiated logout request (OIDC RP-Initiated Logout 1.0 §2). */
const PARAMETERS = ["id_token_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales", "logout_hint"] as const;

/** A logout request whose client and post-logout redirect URI are validated (OIDC RP-Initiated Logout §2–3). */
export interface LogoutRequest {
  /** The RP, from client_id or the hint's `aud`; absent when neither names one. */
  client?: Client;
  /** Byte-identical to one of the client's post_logout_redirect_uris; the only place a logout ever redirects to. */
  postLogoutRedirectUri?: string;
  /** Returned to the RP with the redirect (§3). */
  state?: string;
  uiLocales?: string;
  /** The verified id_token_hint. */
  hint?: IdTokenHint;
}

/**
 * Validates /end_session parameters (OIDC RP-Initiated Logout §2–3, corpus A9/K67): the hint must be our own ID token
 * (IdTokenHintVerifier), client_id must be one of its audiences, and a post_logout_redirect_uri needs an identified
 * client that registered exactly that URI. Every failure is invalid_request, for an error page: never a redirect.
 */
@injectable()
export class LogoutRequestValidator {
  constructor(
    @inject(IdTokenHintVerifier) private readonly hints: IdTokenHintVerifier,
    @inject(ClientCache) private readonly clients: ClientCache,
  ) {}

  /** Returns the validated request; throws OAuthError invalid_request. */
  async validate(params: FormParams): Promise<LogoutRequest> {
    params.rejectRepeated({ only: PARAMETERS });
    const hintValue = params.get("id_token_hint");
    const hint = hintValue === undefined ? undefined : await this.hints.verify(hintValue);
    const client = await this.client(params.get("client_id"), hint);
    const redirectUri = params.get("post_logout_redirect_uri");
    if (redirectUri !== undefined) {
      if (!client) throw OAuthErrors.invalidRequest("post_logout_redirect_uri requires id_token_hint or client_id");
      if (!registered(client, redirectUri)) throw OAuthErrors.invalidRequest("post_logout_redirect_uri is not registered for the client");
    }
    const state = params.get("state");
    const uiLocales = params.get("ui_locales");
    return {
      ...(client && { client }),
      ...(client && redirectUri !== undefined && { postLogoutRedirectUri: redirectUri }),
      ...(state !== undefined && { state }),
      ...(uiLocales !== undefined && { uiLocales }),
      ...(hint && { hint }),
    };
  }

  /** True while `clientId` still exists and still registers `uri` (re-checked when a confirmed logout redirects). */
  async stillRegistered(clientId: string, uri: string): Promise<boolean> {
    const client = await this.clients.find(clientId);
    return client !== undefined && registered(client, uri);
  }

  /** The client named by client_id, which must be an audience of the hint (§2), else the hint's single audience. */
  private async client(clientId: string | undefined, hint: IdTokenHint | undefined): Promise<Client | undefined> {
    if (clientId !== undefined && hint && !hint.audiences.includes(clientId)) throw OAuthErrors.invalidRequest("client_id does not match id_token_hint");
    const id = clientId ?? (hint?.audiences.length === 1 ? hint.audiences[0] : undefined);
    if (id === undefined) return undefined;
    const client = await this.clients.find(id);
    if (!client) throw OAuthErrors.invalidRequest("unknown client");
    return client;
  }
}

/** Exact string comparison with the registered post_logout_redirect_uris (§3; no normalisation, RFC 9700 §4.1.3). */
function registered(client: Client, uri: string): boolean {
  return client.metadata.post_logout_redirect_uris?.includes(uri) ?? false;
}
