import type { PublicEndpoint } from "../plugin-sdk/endpoint.js";
import { PluginBootError } from "./plugin-loader.js";
import type { PluginRegistries } from "./plugin-registries.js";

/**
 * Fails the boot when a plugin's surface would replace core's (DESIGN "Plugin contracts"): an endpoint path core
 * serves, or a discovery member core publishes. `corePaths` and `coreMembers` are what core serves and publishes.
 */
export function assertPluginSurfaces(registries: PluginRegistries, core: { paths: readonly string[]; members: ReadonlySet<string>; pluginMembers: Record<string, unknown> }): void {
  const owner = (contribution: object) => registries.ownerOf(contribution);
  const served = new Set(core.paths);
  for (const endpoint of registries.endpoints) {
    if (served.has(endpoint.path) || core.paths.some((path) => overlaps(path, endpoint))) {
      throw new PluginBootError(`plugin ${owner(endpoint)}: endpoint ${endpoint.path} is already served by core`);
    }
  }
  for (const name of Object.keys(core.pluginMembers)) {
    if (core.members.has(name)) throw new PluginBootError(`a plugin contributes the discovery member "${name}", which core publishes`);
  }
}

/** True when core's prefix path (e.g. "/interaction/*") would also match the plugin's path. */
function overlaps(corePath: string, endpoint: PublicEndpoint): boolean {
  return corePath.endsWith("/*") && endpoint.path.startsWith(corePath.slice(0, -1));
}
