import type { DependencyContainer } from "tsyringe";
import { PluginFailureLockouts } from "../core/plugin-capabilities/plugin-failure-lockouts.js";
import { SingleUseStores } from "../core/plugin-capabilities/single-use-stores.js";
import type { Logger } from "../core/ports/logger.js";
import { PluginTokens } from "../plugin-sdk/plugin-tokens.js";
import { PluginBootError } from "./plugin-loader.js";
import type { Instantiator } from "./plugin-registries.js";

/**
 * Constructs contributed classes through the DI container (DESIGN "Plugin contracts"): each module gets a child
 * container holding its own options, logger, single-use namespace and failure lockout beside the shared PluginTokens;
 * a constructor that asks for anything else fails the boot, naming the plugin.
 */
export function containerInstantiator(container: DependencyContainer, logger: Logger): Instantiator {
  const children = new Map<string, DependencyContainer>();
  const childOf = (moduleId: string, options: Readonly<Record<string, unknown>>) => {
    let child = children.get(moduleId);
    if (!child) {
      child = container.createChildContainer();
      child.register(PluginTokens.Options, { useValue: options });
      child.register(PluginTokens.Logger, { useValue: logger.child({ plugin: moduleId }) });
      child.register(PluginTokens.SingleUse, { useValue: container.resolve(SingleUseStores).for(moduleId) });
      child.register(PluginTokens.FailureLockout, { useValue: container.resolve(PluginFailureLockouts).for(moduleId) });
      children.set(moduleId, child);
    }
    return child;
  };
  return (module, options, contribution) => {
    try {
      return childOf(module.id, options).resolve(contribution as never);
    } catch (error) {
      throw new PluginBootError(`plugin ${module.id}: cannot construct ${contribution.name || "a contribution"} (${(error as Error).message.split("\n")[0]})`);
    }
  };
}
