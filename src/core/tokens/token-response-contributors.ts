import type { InjectionToken } from "tsyringe";
import type { TokenResponseContributor } from "../../plugin-sdk/token-response.js";

/** The token-response contributors of plugins (registered by the composition root as a value). */
export const TokenResponseContributorsToken: InjectionToken<readonly TokenResponseContributor[]> = Symbol("TokenResponseContributors");
