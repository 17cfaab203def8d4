import { inject, injectable, OAuthErrors, PluginTokens, type GrantContext, type GrantDecision, type GrantHandler, type GrantRequest } from "portcullis/plugin-sdk";

/**
 * The JWT bearer authorization grant (RFC 7523 §2.1 under RFC 7521 §4.1): an assertion from an issuer the operator
 * trusts for "jwt-bearer" and for this client, addressed to this server (its issuer identifier or token endpoint).
 * No refresh token (the client presents a new assertion) and no ID token (no end-user authentication happened here).
 */
@injectable()
export class JwtBearerGrant implements GrantHandler {
  readonly grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  readonly parameters = ["assertion", "scope", "resource"] as const;
  readonly repeatable = ["resource"] as const;
  readonly clientAuthentication = "required" as const;
  private readonly audiences: readonly string[];

  constructor(@inject(PluginTokens.Issuer) issuer: string) {
    this.audiences = [issuer, `${issuer}/token`];
  }

  /** Scope policy first, then the assertion, whose `jti` is consumed last so a refused scope does not burn it (RFC 7521 §4.1.1). */
  async handle(request: GrantRequest, ctx: GrantContext): Promise<GrantDecision> {
    const assertion = request.params.get("assertion");
    if (!assertion) throw OAuthErrors.invalidRequest("assertion is required");
    const access = await ctx.resolveAccess(request);
    const result = await ctx.trustedIssuers.verify(assertion, { use: "jwt-bearer", clientId: request.client.client.clientId, audiences: this.audiences, singleUse: true });
    if (!result.ok) throw OAuthErrors.invalidGrant(`assertion rejected: ${result.description}`, { cause: result.reason });
    return { subject: result.jwt.user?.id ?? result.jwt.subject, access, issueRefreshToken: false };
  }
}
