import { OAuthErrors, type GrantContext, type GrantDecision, type GrantHandler, type GrantRequest } from "portcullis/plugin-sdk";

/** The refresh token grant (RFC 6749 §6) with rotation; narrowing scope or resources is allowed, widening is not. */
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = "refresh_token";
  readonly parameters = ["refresh_token", "scope", "resource"] as const;
  readonly repeatable = ["resource"] as const;
  readonly clientAuthentication = "optional" as const;

  async handle(request: GrantRequest, ctx: GrantContext): Promise<GrantDecision> {
    const token = request.params.get("refresh_token");
    if (!token) throw OAuthErrors.invalidRequest("refresh_token is required");
    const refreshed = await ctx.refreshTokens.rotate(token, request);
    const access = await ctx.resolveAccess(request, { maxScopes: refreshed.scopes, maxResources: refreshed.resources });
    return { access, refreshed };
  }
}
