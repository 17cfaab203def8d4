import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { OAuthError } from "../../plugin-sdk/errors.js";
import { AuthorizationCodeService } from "../codes/authorization-code.service.js";
import { DI } from "../di-tokens.js";
import { PushedRequestService } from "../par/pushed-request.service.js";
import { SessionManager } from "../sessions/session-manager.js";
import { IdTokenMinter } from "../tokens/id-token.minter.js";
import { TokenIssuer } from "../tokens/token-issuer.js";
import type { AuthorizationDelivery, AuthorizationRequest, AuthorizedUser, ResponseMode, ResponseTarget } from "./authorization-request.js";
import { JarmEncoder } from "./jarm.encoder.js";

/** The grant type the access tokens of the authorization endpoint are minted under (RFC 6749 §4.2). */
const IMPLICIT = "implicit";

/**
 * Builds authorization responses (RFC 6749 §4.1.2, §4.2.2; OIDC Core §3.3.2.5): the code, access token and ID token the
 * response type asks for, plus state and iss (RFC 9207) on success and error alike, JWT-encoded for JARM modes.
 */
@injectable()
export class AuthorizationResponder {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(PushedRequestService) private readonly pushed: PushedRequestService,
    @inject(AuthorizationCodeService) private readonly codes: AuthorizationCodeService,
    @inject(TokenIssuer) private readonly tokens: TokenIssuer,
    @inject(IdTokenMinter) private readonly idTokens: IdTokenMinter,
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(JarmEncoder) private readonly jarm: JarmEncoder,
  ) {}

  /**
   * The successful response for `user`; a pushed request is consumed first, so it yields at most one code (RFC 9126
   * §7.3): a second completion throws invalid_request_uri. Records the client in the session (Back-Channel Logout §2.1).
   */
  async success(request: AuthorizationRequest, user: AuthorizedUser): Promise<AuthorizationDelivery> {
    const clientId = request.client.clientId;
    if (request.pushedRequestUri !== undefined) await this.pushed.complete(request.pushedRequestUri, clientId);
    const types = new Set(request.responseType.split(" "));
    const params: Record<string, string> = {};
    if (types.has("code")) {
      params.code = await this.codes.issue({
        clientId,
        redirectUri: request.redirectUriParam,
        subject: user.userId,
        scopes: user.scopes,
        resources: request.resources,
        nonce: request.nonce,
        authTime: user.authTime,
        sessionId: user.sessionId,
        acr: user.acr,
        amr: user.amr,
        requestedClaims: request.claims,
        codeChallenge: request.codeChallenge,
        codeChallengeMethod: request.codeChallengeMethod,
        ...(request.dpopJkt !== undefined && { binding: { jkt: request.dpopJkt } }),
      });
    }
    if (types.has("token")) Object.assign(params, await this.accessToken(request, user));
    if (types.has("id_token")) {
      params.id_token = await this.idTokens.mint({
        client: request.client,
        subject: user.userId,
        nonce: request.nonce,
        authTime: user.authTime,
        acr: user.acr,
        amr: user.amr,
        sessionId: user.sessionId,
        accessToken: params.access_token,
        code: params.code,
        scopes: user.scopes,
        requestedClaims: request.claims?.id_token,
        // OIDC Core §5.4: response_type "id_token" issues no access token, so the scope claims cannot come from userinfo.
        scopeClaims: request.responseType === "id_token",
      });
    }
    await this.sessions.recordClient(user.sessionId, clientId);
    return this.deliver(request, params);
  }

  /** The error response (RFC 6749 §4.1.2.1, §4.2.2.1) for a validated target, with state and iss (RFC 9207 §2). */
  async failure(target: ResponseTarget, error: OAuthError): Promise<AuthorizationDelivery> {
    const params: Record<string, string> = { error: error.error };
    if (error.description !== undefined) params.error_description = error.description;
    return this.deliver(target, params);
  }

  /** An implicit access token without a refresh token (RFC 6749 §4.2.2); the front channel authenticates no client. */
  private async accessToken(request: AuthorizationRequest, user: AuthorizedUser): Promise<Record<string, string>> {
    const { response: minted } = await this.tokens.issue(request.client, IMPLICIT, {
      subject: user.userId,
      access: { scopes: user.scopes, resources: request.resources },
    });
    const params: Record<string, string> = { access_token: minted.access_token, token_type: minted.token_type, expires_in: String(minted.expires_in) };
    if (minted.scope !== undefined) params.scope = minted.scope;
    return params;
  }

  /** Adds state and iss, then applies the mode: JARM modes carry everything in one signed `response` (JARM §2.3). */
  private deliver(target: ResponseTarget, params: Record<string, string>): AuthorizationDelivery {
    const all: Record<string, string> = { ...params };
    if (target.state !== undefined) all.state = target.state;
    all.iss = this.config.issuer;
    const { mode, jwt } = deliveryMode(target);
    return { redirectUri: target.redirectUri, mode, params: jwt ? { response: this.jarm.encode(target.client, all) } : all };
  }
}

/** How each explicit response mode is delivered: `x.jwt` like `x`, as one signed `response` (JARM §2.3.1–2.3.3). */
const DELIVERY: Readonly<Record<Exclude<ResponseMode, "jwt">, { mode: AuthorizationDelivery["mode"]; jwt: boolean }>> = {
  query: { mode: "query", jwt: false },
  fragment: { mode: "fragment", jwt: false },
  form_post: { mode: "form_post", jwt: false },
  "query.jwt": { mode: "query", jwt: true },
  "fragment.jwt": { mode: "fragment", jwt: true },
  "form_post.jwt": { mode: "form_post", jwt: true },
};

/** `jwt` is delivered like the response type's default: query for "code" alone, fragment whenever tokens come back (JARM §2.3.4). */
function deliveryMode(target: ResponseTarget): { mode: AuthorizationDelivery["mode"]; jwt: boolean } {
  if (target.responseMode === "jwt") return { mode: target.returnsTokens ? "fragment" : "query", jwt: true };
  return DELIVERY[target.responseMode];
}
