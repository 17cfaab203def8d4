import type { InjectionToken } from "tsyringe";
import type { IntrospectionCustomizer } from "../../plugin-sdk/hooks.js";

/** The introspection customizers contributed by plugins (registered by the composition root as a value). */
export const IntrospectionCustomizersToken: InjectionToken<readonly IntrospectionCustomizer[]> = Symbol("IntrospectionCustomizers");
