import type { PublicEndpoint } from "../plugin-sdk/endpoint.js";
import { PluginBootError } from "./plugin-loader.js";
import type { PluginRegistries } from "./plugin-registries.js";

/** What core serves and publishes itself, which no plugin may replace. */
export interface CoreSurface {
  /** Endpoint paths below the issuer ("/interaction/*" covers its sub-paths). */
  paths: readonly string[];
  /** Members of core's discovery documents (RFC 8414 §2, OIDC Discovery §3). */
  discoveryMembers: ReadonlySet<string>;
  /** Client metadata names core parses (RFC 7591 §2, OIDC Registration §2, Portcullis extensions). */
  metadataFields: ReadonlySet<string>;
}

/**
 * Fails the boot when a plugin's surface would replace core's or another plugin's (DESIGN "Plugin contracts"): an
 * endpoint path core serves, a discovery member core or another plugin publishes, a client metadata field core parses.
 */
export function assertPluginSurfaces(registries: PluginRegistries, core: CoreSurface): void {
  const owner = (contribution: object) => registries.ownerOf(contribution);
  for (const endpoint of registries.endpoints) {
    if (core.paths.some((path) => path === endpoint.path || overlaps(path, endpoint))) {
      throw new PluginBootError(`plugin ${owner(endpoint)}: endpoint ${endpoint.path} is already served by core`);
    }
  }
  const members = new Map<string, string>();
  const claim = (name: string, by: string) => {
    const previous = core.discoveryMembers.has(name) ? "core" : members.get(name);
    if (previous) throw new PluginBootError(`plugin ${by}: discovery member "${name}" is already published by ${previous}`);
    members.set(name, by);
  };
  for (const endpoint of registries.endpoints) if (endpoint.metadataMember) claim(endpoint.metadataMember, owner(endpoint));
  for (const contributor of registries.discovery) for (const name of Object.keys(contributor.members())) claim(name, owner(contributor));
  for (const field of registries.clientMetadataFields.values()) {
    if (core.metadataFields.has(field.name)) throw new PluginBootError(`plugin ${owner(field)}: client metadata field "${field.name}" is parsed by core`);
  }
}

/** True when core's prefix path (e.g. "/interaction/*") would also match the plugin's path. */
function overlaps(corePath: string, endpoint: PublicEndpoint): boolean {
  return corePath.endsWith("/*") && endpoint.path.startsWith(corePath.slice(0, -1));
}
