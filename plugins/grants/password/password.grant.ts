import {
  inject,
  injectable,
  OAuthErrors,
  PluginTokens,
  type DirectSignIn,
  type GrantContext,
  type GrantDecision,
  type GrantHandler,
  type GrantRequest,
} from "portcullis/plugin-sdk";
import { passwordGrantAllowed } from "./password-grant-allowed.field.js";

const OFFLINE_ACCESS = "offline_access";
/** RFC 6749 §4.3.2's credentials, which must be exactly the fields of the first sign-in step. */
const CREDENTIALS = ["username", "password"];

/**
 * The resource owner password credentials grant (RFC 6749 §4.3), only for clients an operator allowed (RFC 9700 §2.4):
 * the first factor of core's sign-in, with the lockout of the login pages; an account with a second factor gets
 * invalid_grant, since this grant cannot ask for it.
 */
@injectable()
export class PasswordGrant implements GrantHandler {
  readonly grantType = "password";
  readonly parameters = ["username", "password", "scope", "resource"] as const;
  readonly repeatable = ["resource"] as const;
  readonly clientAuthentication = "optional" as const;

  constructor(@inject(PluginTokens.DirectSignIn) private readonly signIn: DirectSignIn) {}

  async handle(request: GrantRequest, ctx: GrantContext): Promise<GrantDecision> {
    if (!passwordGrantAllowed.isOn(request.client.client.metadata)) throw OAuthErrors.unauthorizedClient("the password grant is not enabled for this client");
    const username = request.params.get("username");
    const password = request.params.get("password");
    if (username === undefined || password === undefined) throw OAuthErrors.invalidRequest("username and password are required");
    const access = await ctx.resolveAccess(request);
    const { state, prompt } = await this.signIn.begin();
    const names = prompt.fields.map((field) => field.name);
    if (names.length !== CREDENTIALS.length || !CREDENTIALS.every((name) => names.includes(name))) {
      throw OAuthErrors.invalidGrant("this server's first sign-in step does not take a username and password");
    }
    const outcome = await this.signIn.submit(state, { authenticator: prompt.authenticator, fields: { username, password } }, request.remoteAddress);
    switch (outcome.kind) {
      case "done":
        return { subject: outcome.authentication.subject, access, authentication: outcome.authentication, issueRefreshToken: access.scopes.includes(OFFLINE_ACCESS) };
      case "next":
        throw OAuthErrors.invalidGrant(
          `this account also signs in with ${outcome.prompt.authenticator}: use the authorization endpoint (browser) or the authorization challenge endpoint`,
        );
      case "invalid":
        throw OAuthErrors.invalidGrant("the username or password is not valid");
      case "throttled":
        throw OAuthErrors.tooManyRequests("too many failed sign-in attempts, retry later", { headers: { "retry-after": String(outcome.retryAfterSeconds) } });
    }
  }
}
