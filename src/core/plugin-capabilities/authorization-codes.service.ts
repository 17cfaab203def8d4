import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { AuthorizationCodes, CodeRequest } from "../../plugin-sdk/authorization-codes.js";
import type { AuthenticatedUser } from "../../plugin-sdk/capabilities.js";
import { grantTypesOf } from "../../plugin-sdk/client-metadata-defaults.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { GrantedAccess } from "../../plugin-sdk/grant.js";
import { AuthorizationCodeService } from "../codes/authorization-code.service.js";
import { validateChallenge, type PkceMethod } from "../codes/pkce.js";
import { DI } from "../di-tokens.js";
import { AccessPolicy } from "../policy/access-policy.js";
import { isVouched } from "../security/vouched.js";
import { confirmationOf } from "../../plugin-sdk/sender-binding.js";

/** A request that passed core's rules: what the code will grant and its PKCE binding. */
interface CheckedRequest {
  access: GrantedAccess;
  codeChallenge: string;
  codeChallengeMethod: PkceMethod;
}

/**
 * Authorization codes for plugin endpoints (PluginTokens.AuthorizationCodes; first-party apps §5.2.1): the access policy
 * and PKCE rules of /authorize, always PKCE-bound, issued by core's AuthorizationCodeService without a redirect URI.
 */
@injectable()
export class AuthorizationCodesService implements AuthorizationCodes {
  constructor(
    @inject(AccessPolicy) private readonly policy: AccessPolicy,
    @inject(AuthorizationCodeService) private readonly codes: AuthorizationCodeService,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  async check(request: CodeRequest): Promise<void> {
    await this.checked(request);
  }

  async issue(request: CodeRequest & { authentication: AuthenticatedUser }): Promise<string> {
    const { authentication } = request;
    if (!isVouched(authentication)) throw new Error("only an authentication core issued can be given an authorization code");
    const { access, codeChallenge, codeChallengeMethod } = await this.checked(request);
    return this.codes.issue({
      clientId: request.client.clientId,
      redirectUri: undefined,
      withoutRedirect: true,
      subject: authentication.subject,
      scopes: access.scopes,
      resources: access.resources,
      nonce: request.nonce,
      authTime: authentication.authTime,
      acr: authentication.acr,
      amr: [...authentication.amr],
      codeChallenge,
      codeChallengeMethod,
      ...(request.binding && confirmationOf(request.binding) && { binding: request.binding }),
    });
  }

  /** The client must be able to redeem the code (RFC 6749 §4.1.3); PKCE as at /authorize (RFC 7636 §4.3), then the scope policy. */
  private async checked(request: CodeRequest): Promise<CheckedRequest> {
    const { client, codeChallenge } = request;
    if (!grantTypesOf(client.metadata).includes("authorization_code")) throw OAuthErrors.unauthorizedClient("the client is not registered for authorization_code");
    if (codeChallenge === undefined) throw OAuthErrors.invalidRequest("code_challenge is required (PKCE)");
    const codeChallengeMethod = validateChallenge(codeChallenge, request.codeChallengeMethod, { plainAllowed: this.config.pkcePlainAllowed });
    const access = await this.policy.resolve({ client, scope: request.scope, resources: request.resources ?? [] });
    return { access, codeChallenge, codeChallengeMethod };
  }
}
