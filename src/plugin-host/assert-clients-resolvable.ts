import type { ClientRepository } from "../core/ports/repositories.js";
import { PluginBootError } from "./plugin-loader.js";
import type { PluginRegistries } from "./plugin-registries.js";
import { authMethodOf } from "../plugin-sdk/client-metadata-defaults.js";

const PAGE = 500;

/** Fails the boot when a stored client names an auth method or hook no enabled plugin provides (DESIGN "Plugin contracts"). */
export async function assertClientsResolvable(clients: ClientRepository, registries: PluginRegistries): Promise<void> {
  const methods = new Set(registries.clientAuthenticators.map((a) => a.method));
  const hooks = new Set([...registries.tokenCustomizers, ...registries.introspectionCustomizers, ...registries.claimsProviders].map((h) => h.id));
  const problems: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await clients.list({ limit: PAGE, after });
    for (const { clientId, metadata } of page) {
      const method = authMethodOf(metadata);
      if (!methods.has(method)) problems.push(`client ${clientId} uses auth method "${method}"`);
      for (const hook of metadata.hooks ?? []) if (!hooks.has(hook)) problems.push(`client ${clientId} opts into missing hook "${hook}"`);
    }
    if (page.length < PAGE || problems.length >= 20) break;
    after = page[page.length - 1]!.clientId;
  }
  if (problems.length > 0) throw new PluginBootError(`clients reference plugins that are not enabled:\n  ${problems.join("\n  ")}`);
}
