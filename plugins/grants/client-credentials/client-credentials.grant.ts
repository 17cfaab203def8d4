import type { GrantContext, GrantDecision, GrantHandler, GrantRequest } from "portcullis/plugin-sdk";

/** The client credentials grant (RFC 6749 §4.4): the client acts on its own behalf; never a refresh token (§4.4.3). */
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = "client_credentials";
  readonly parameters = ["scope", "resource"] as const;
  readonly repeatable = ["resource"] as const;
  readonly clientAuthentication = "required" as const;

  async handle(request: GrantRequest, ctx: GrantContext): Promise<GrantDecision> {
    return { access: await ctx.resolveAccess(request) };
  }
}
