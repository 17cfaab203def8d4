import { inject, injectable } from "tsyringe";
import type { AccessBounds, GrantContext, GrantHandler, GrantRequest } from "../../plugin-sdk/grant.js";
import { DI } from "../di-tokens.js";
import { AuthorizationCodeService } from "../codes/authorization-code.service.js";
import type { AuthenticationSeal, IssuedTokens, Revocations, TrustedIssuers, UserDirectory } from "../../plugin-sdk/capabilities.js";
import { PluginTokens } from "../../plugin-sdk/plugin-tokens.js";
import { SingleUseStores } from "../plugin-capabilities/single-use-stores.js";
import { ContributionOwnerToken, type ContributionOwner } from "../plugin-owners.js";
import { AccessPolicy } from "../policy/access-policy.js";
import type { Clock } from "../ports/clock.js";
import { RefreshTokenService } from "../tokens/refresh-token.service.js";

/**
 * Builds the capability facade handed to each grant; every rule behind it lives in core (DESIGN "Plugin contracts").
 * One context per grant, since its single-use store is the namespace of the grant's module.
 */
@injectable()
export class GrantContextFactory {
  private readonly contexts = new WeakMap<GrantHandler, GrantContext>();
  private readonly shared: Omit<GrantContext, "singleUse">;

  constructor(
    @inject(AccessPolicy) policy: AccessPolicy,
    @inject(RefreshTokenService) refreshTokens: RefreshTokenService,
    @inject(AuthorizationCodeService) codes: AuthorizationCodeService,
    @inject(PluginTokens.Users) users: UserDirectory,
    @inject(PluginTokens.Tokens) tokens: IssuedTokens,
    @inject(PluginTokens.Revocations) revocations: Revocations,
    @inject(PluginTokens.AuthenticationSeal) authenticationSeal: AuthenticationSeal,
    @inject(PluginTokens.TrustedIssuers) trustedIssuers: TrustedIssuers,
    @inject(SingleUseStores) private readonly singleUse: SingleUseStores,
    @inject(ContributionOwnerToken) private readonly ownerOf: ContributionOwner,
    @inject(DI.Clock) clock: Clock,
  ) {
    this.shared = {
      now: () => clock.now(),
      resolveAccess: (request: GrantRequest, options?: AccessBounds) =>
        policy.resolve({ client: request.client.client, scope: request.params.get("scope"), resources: request.params.getAll("resource"), ...options }),
      refreshTokens: Object.freeze({ rotate: (token: string, request: GrantRequest) => refreshTokens.rotate(token, request.client, request.binding) }),
      codes: Object.freeze({
        redeem: (code: string, request: GrantRequest) =>
          codes.redeem(code, {
            clientId: request.client.client.clientId,
            redirectUri: request.params.get("redirect_uri"),
            codeVerifier: request.params.get("code_verifier"),
            publicClient: request.client.method === "none",
            sender: request.binding,
          }),
      }),
      users,
      tokens,
      revocations,
      authenticationSeal,
      trustedIssuers,
    };
  }

  /** The context of `grant` (stateless: no per-request state is kept in it). */
  get(grant: GrantHandler): GrantContext {
    let context = this.contexts.get(grant);
    if (!context) {
      context = Object.freeze({ ...this.shared, singleUse: this.singleUse.for(this.ownerOf(grant)) });
      this.contexts.set(grant, context);
    }
    return context;
  }
}
