import type { Config } from "../config/config.js";
import type { PluginModule } from "../plugin-sdk/plugin-module.js";
import { assertPluginModule, importExternalPlugin, PluginBootError } from "./plugin-loader.js";

/** The first-party modules (minus disabled ones) and the external modules named in config, checked but not yet registered. */
export async function loadPluginModules(firstParty: readonly PluginModule[], config: Pick<Config, "plugins" | "disabledPlugins">): Promise<PluginModule[]> {
  const known = new Set(firstParty.map((m) => m.id));
  for (const id of config.disabledPlugins) {
    if (!known.has(id)) throw new PluginBootError(`DISABLED_PLUGINS names unknown plugin "${id}"`);
  }
  const enabled = firstParty.filter((m) => !config.disabledPlugins.includes(m.id)).map((m) => assertPluginModule(m, m.id));
  const external = await Promise.all(config.plugins.map((path) => importExternalPlugin(path)));
  return [...enabled, ...external];
}
