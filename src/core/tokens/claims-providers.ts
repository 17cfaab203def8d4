import type { InjectionToken } from "tsyringe";
import type { ClaimsProvider } from "../../plugin-sdk/hooks.js";

/** The claims providers contributed by plugins (registered by the composition root as a value). */
export const ClaimsProvidersToken: InjectionToken<readonly ClaimsProvider[]> = Symbol("ClaimsProviders");
