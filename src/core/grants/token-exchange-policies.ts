import { inject, injectable, type InjectionToken } from "tsyringe";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { TokenExchangePermit, TokenExchangePolicies, TokenExchangePolicy, TokenExchangeQuery } from "../../plugin-sdk/token-exchange.js";

/** The token-exchange policies contributed by plugins (registered by the composition root as a value). */
export const TokenExchangePoliciesToken: InjectionToken<readonly TokenExchangePolicy[]> = Symbol("TokenExchangePolicies");

/**
 * Every enabled token-exchange policy as one (RFC 8693 §5: the authorization server decides): each must permit, in
 * plugin order, and an extra of the permit holds only when every policy grants it. No policy enabled refuses all.
 */
@injectable()
export class TokenExchangePolicyChain implements TokenExchangePolicies {
  constructor(@inject(TokenExchangePoliciesToken) private readonly policies: readonly TokenExchangePolicy[]) {}

  async evaluate(query: TokenExchangeQuery): Promise<TokenExchangePermit> {
    if (this.policies.length === 0) throw OAuthErrors.unauthorizedClient("no token-exchange policy is enabled");
    const frozen = Object.freeze({ ...query });
    let releaseSenderConstraint = true;
    for (const policy of this.policies) releaseSenderConstraint = (await policy.evaluate(frozen)).releaseSenderConstraint === true && releaseSenderConstraint;
    return { releaseSenderConstraint };
  }
}
