import type { DependencyContainer } from "tsyringe";
import { AuthorizationCodesService } from "../core/plugin-capabilities/authorization-codes.service.js";
import { DirectSignInService } from "../core/plugin-capabilities/direct-sign-in.service.js";
import type { DirectSignIn } from "../plugin-sdk/direct-sign-in.js";
import { PluginTokens } from "../plugin-sdk/plugin-tokens.js";

/**
 * The capabilities of plugins that sign users in without a browser and issue codes (first-party apps, password grant).
 * DirectSignIn is resolved at its first call: the sign-in machine needs the login steps the plugins are contributing.
 */
export function registerFirstPartyCapabilities(container: DependencyContainer): void {
  container.registerSingleton(DirectSignInService);
  const service = () => container.resolve(DirectSignInService);
  const directSignIn: DirectSignIn = Object.freeze({
    begin: () => service().begin(),
    current: (state: string) => service().current(state),
    submit: (...args: Parameters<DirectSignIn["submit"]>) => service().submit(...args),
  });
  container.register(PluginTokens.DirectSignIn, { useValue: directSignIn });
  container.registerSingleton(PluginTokens.AuthorizationCodes, AuthorizationCodesService);
}
