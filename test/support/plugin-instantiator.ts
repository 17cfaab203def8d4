import "reflect-metadata";
import { pino } from "pino";
import { container as rootContainer } from "tsyringe";
import { DI } from "../../src/core/di-tokens.js";
import type { Logger } from "../../src/core/ports/logger.js";
import { systemClock } from "../../src/core/security/system-clock.js";
import { containerInstantiator } from "../../src/plugin-host/plugin-instantiator.js";
import type { Instantiator } from "../../src/plugin-host/plugin-registries.js";
import { PluginTokens } from "../../src/plugin-sdk/plugin-tokens.js";
import { MemoryEphemeralStore } from "../../src/storage/memory/memory-ephemeral.store.js";

/**
 * The app's DI instantiator over stand-in capabilities (empty objects, an in-memory store): registry tests build the
 * first-party plugins, whose constructors `@inject` capabilities, without booting an app. Nothing is called on them.
 */
export function stubInstantiator(): Instantiator {
  const container = rootContainer.createChildContainer();
  container.register(DI.Ephemeral, { useValue: new MemoryEphemeralStore(systemClock) });
  for (const token of Object.values(PluginTokens)) container.register(token as symbol, { useValue: {} });
  return containerInstantiator(container, pino({ level: "silent" }) as unknown as Logger);
}
