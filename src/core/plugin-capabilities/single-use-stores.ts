import { inject, injectable } from "tsyringe";
import type { SingleUseStore } from "../../plugin-sdk/capabilities.js";
import { DI } from "../di-tokens.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";

/** The ephemeral-store key of `name` in module `moduleId`'s namespace: never one of core's or another module's. */
export const pluginKey = (moduleId: string, name: string) => `plugin:${moduleId}:${name}`;

/** Each plugin module's own namespace of the ephemeral store (PluginTokens.SingleUse, GrantContext.singleUse). */
@injectable()
export class SingleUseStores {
  constructor(@inject(DI.Ephemeral) private readonly store: EphemeralStore) {}

  /** The store of module `moduleId`: its keys can never meet core's or another module's. */
  for(moduleId: string): SingleUseStore {
    const { store } = this;
    const key = (name: string) => pluginKey(moduleId, name);
    return Object.freeze({
      put: (name: string, value: string, ttlMs: number) => store.put(key(name), value, ttlMs),
      putIfAbsent: (name: string, value: string, ttlMs: number) => store.putIfAbsent(key(name), value, ttlMs),
      get: (name: string) => store.get(key(name)),
      take: (name: string) => store.take(key(name)),
      delete: (name: string) => store.delete(key(name)),
      increment: (name: string, ttlMs: number) => store.increment(key(name), ttlMs),
    });
  }
}
