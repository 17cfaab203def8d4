import { OAuthErrors, type GrantContext, type GrantDecision, type GrantHandler, type GrantRequest } from "portcullis/plugin-sdk";

const OFFLINE_ACCESS = "offline_access";

/** The authorization code grant (RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.5); core redeems the code and checks its bindings. */
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = "authorization_code";
  readonly parameters = ["code", "redirect_uri", "code_verifier", "resource"] as const;
  readonly repeatable = ["resource"] as const;
  readonly clientAuthentication = "optional" as const;

  async handle(request: GrantRequest, ctx: GrantContext): Promise<GrantDecision> {
    // An empty code is present but wrong (invalid_grant, corpus C18); only a missing one is malformed.
    if (request.params.count("code") === 0) throw OAuthErrors.invalidRequest("code is required");
    const redeemedCode = await ctx.codes.redeem(request.params.get("code") ?? "", request);
    // RFC 8707 §2.2: resource may narrow the audience to what the authorization request granted.
    const access = await ctx.resolveAccess(request, { maxScopes: redeemedCode.scopes, maxResources: redeemedCode.resources });
    return {
      subject: redeemedCode.subject,
      access,
      claims: redeemedCode.claims,
      issueRefreshToken: redeemedCode.scopes.includes(OFFLINE_ACCESS),
      redeemedCode,
    };
  }
}
