import {
  inject,
  injectable,
  OAuthErrors,
  PluginTokens,
  TOKEN_EXCHANGE_GRANT_TYPE,
  type ExchangedToken,
  type GrantContext,
  type GrantDecision,
  type GrantHandler,
  type GrantRequest,
  type TokenExchangePolicies,
} from "portcullis/plugin-sdk";
import { actorChainOf, assertMayAct } from "./actor.js";
import { readExchangedToken } from "./exchanged-token.js";
import { requestedTokenOf } from "./requested-token-type.js";
import { assertSenderConstraint } from "./sender-constraint.js";

/**
 * The token-exchange grant (RFC 8693 §2): impersonation without an actor_token, delegation (`act`) with one. The
 * token-exchange policies decide who may exchange what, for whom and toward which audience; scopes only narrow.
 */
@injectable()
export class TokenExchangeGrant implements GrantHandler {
  readonly grantType = TOKEN_EXCHANGE_GRANT_TYPE;
  readonly parameters = ["subject_token", "subject_token_type", "actor_token", "actor_token_type", "requested_token_type", "audience", "resource", "scope"] as const;
  readonly repeatable = ["audience", "resource"] as const;
  readonly clientAuthentication = "required" as const;

  constructor(
    @inject(PluginTokens.Issuer) private readonly issuer: string,
    @inject(PluginTokens.TokenExchangePolicies) private readonly policies: TokenExchangePolicies,
  ) {}

  async handle(request: GrantRequest, ctx: GrantContext): Promise<GrantDecision> {
    const requested = requestedTokenOf(request.params.get("requested_token_type"));
    const subjectToken = await readExchangedToken("subject", request, ctx, this.issuer);
    const actorToken = await this.actorTokenOf(request, ctx);
    const client = request.client.client;
    assertMayAct(subjectToken, actorToken, client.clientId, this.issuer);
    const actor = actorChainOf(subjectToken, actorToken, this.issuer);
    const access = await ctx.resolveAccess(request, { maxScopes: subjectToken.scopes, audiences: request.params.getAll("audience") });
    const permit = await this.policies.evaluate({
      client,
      subjectToken,
      ...(actorToken && { actorToken }),
      requestedTokenType: requested.type,
      scopes: access.scopes,
      audiences: access.resources.length > 0 ? access.resources : [this.issuer],
      refreshToken: requested.refreshToken,
    });
    assertSenderConstraint({ subject_token: subjectToken, actor_token: actorToken }, permit, request.binding);
    return {
      subject: subjectToken.subject,
      access,
      issueRefreshToken: requested.refreshToken,
      ...(subjectToken.issued && { derivedFrom: subjectToken.issued }),
      ...(actor && { actor }),
      ...(requested.format && { accessTokenFormat: requested.format }),
      response: { issued_token_type: requested.issuedTokenType },
    };
  }

  /** The actor token of a delegation; actor_token_type alone is malformed (RFC 8693 §2.1). */
  private async actorTokenOf(request: GrantRequest, ctx: GrantContext): Promise<ExchangedToken | undefined> {
    if (request.params.has("actor_token")) return readExchangedToken("actor", request, ctx, this.issuer);
    if (request.params.has("actor_token_type")) throw OAuthErrors.invalidRequest("actor_token_type must not be sent without actor_token");
    return undefined;
  }
}
