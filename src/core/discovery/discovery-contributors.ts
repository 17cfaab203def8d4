import type { InjectionToken } from "tsyringe";
import type { DiscoveryContributor } from "../../plugin-sdk/discovery.js";
import type { PublicEndpoint } from "../../plugin-sdk/endpoint.js";

/** The discovery contributors of plugins (registered by the composition root as a value). */
export const DiscoveryContributorsToken: InjectionToken<readonly DiscoveryContributor[]> = Symbol("DiscoveryContributors");

/** The endpoints plugins serve; those with a `metadataMember` are advertised in discovery (RFC 8414 §2). */
export const PluginEndpointsToken: InjectionToken<readonly PublicEndpoint[]> = Symbol("PluginEndpoints");
