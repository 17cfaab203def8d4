import type { InjectionToken } from "tsyringe";
import type { TokenCustomizer } from "../../plugin-sdk/hooks.js";

/** The token customizers contributed by plugins (registered by the composition root as a value). */
export const TokenCustomizersToken: InjectionToken<readonly TokenCustomizer[]> = Symbol("TokenCustomizers");
