import type { Config } from "../config/config.js";
import type { PluginModule } from "../plugin-sdk/plugin-module.js";
import { assertPluginModule, importExternalPlugin, PluginBootError } from "./plugin-loader.js";
import { buildRegistries, type PluginRegistries } from "./plugin-registries.js";

/** Loads first-party modules (minus disabled ones) and external modules from config, then builds the registries. */
export async function loadPlugins(firstParty: readonly PluginModule[], config: Pick<Config, "plugins" | "disabledPlugins" | "pluginOptions">): Promise<PluginRegistries> {
  const known = new Set(firstParty.map((m) => m.id));
  for (const id of config.disabledPlugins) {
    if (!known.has(id)) throw new PluginBootError(`DISABLED_PLUGINS names unknown plugin "${id}"`);
  }
  const enabled = firstParty.filter((m) => !config.disabledPlugins.includes(m.id)).map((m) => assertPluginModule(m, m.id));
  const external = await Promise.all(config.plugins.map((path) => importExternalPlugin(path)));
  return buildRegistries([...enabled, ...external], config.pluginOptions);
}
