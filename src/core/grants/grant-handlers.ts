import type { InjectionToken } from "tsyringe";
import type { GrantHandler } from "../../plugin-sdk/grant.js";

/** Enabled grant handlers by grant_type (registered by the composition root from the plugin registries). */
export const GrantHandlersToken: InjectionToken<ReadonlyMap<string, GrantHandler>> = Symbol("GrantHandlers");
