import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PLUGIN_API_VERSION, type PluginModule } from "../plugin-sdk/plugin-module.js";
import { allowTypeScript } from "./typescript-plugins.js";

/** Raised at boot when a plugin module is missing, malformed or conflicts with another. */
export class PluginBootError extends Error {
  override name = "PluginBootError";
}

const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/;

/** Checks a module's shape: id "<kind>.<kebab-name>", apiVersion 1, a register function (DESIGN "Plugin contracts"). */
export function assertPluginModule(candidate: unknown, origin: string): PluginModule {
  const module = candidate as Partial<PluginModule> | undefined;
  if (!module || typeof module !== "object") throw new PluginBootError(`plugin ${origin}: does not export a plugin module`);
  if (typeof module.id !== "string" || !ID_PATTERN.test(module.id)) {
    throw new PluginBootError(`plugin ${origin}: id ${JSON.stringify(module.id)} must look like "<kind>.<kebab-name>"`);
  }
  if (module.apiVersion !== PLUGIN_API_VERSION) {
    throw new PluginBootError(`plugin ${module.id}: unsupported apiVersion ${String(module.apiVersion)} (this host supports ${PLUGIN_API_VERSION})`);
  }
  if (typeof module.register !== "function") throw new PluginBootError(`plugin ${module.id}: register is not a function`);
  return module as PluginModule;
}

/** Imports an external plugin module named by path in configuration; its default export is the module. */
export async function importExternalPlugin(path: string, cwd = process.cwd()): Promise<PluginModule> {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  let imported: { default?: unknown };
  try {
    await allowTypeScript(absolute);
    imported = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
  } catch (cause) {
    throw new PluginBootError(`plugin ${path}: cannot be loaded (${(cause as Error).message})`);
  }
  return assertPluginModule(imported.default, path);
}
