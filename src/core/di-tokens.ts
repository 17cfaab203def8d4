import type { InjectionToken } from "tsyringe";
import type { Config } from "../config/config.js";
import type { Capabilities } from "./capabilities.js";
import type { ClientRegistry } from "./clients/client-registry.js";
import type { ChangeSignal } from "./ports/change-log.js";
import type { Clock, RandomSource } from "./ports/clock.js";
import type { EphemeralStore, RevocationBus } from "./ports/ephemeral-store.js";
import type { Logger } from "./ports/logger.js";
import type { DurableStorage } from "./ports/repositories.js";
import type { KeyService, Sealer } from "./keys/key-service.js";
import type { AccessTokenMinter, RevocationService, TokenValidator } from "./tokens/access-token.js";

/** Injection tokens of core services; every constructor parameter uses `@inject(<token>)` (tsx emits no metadata). */
export const DI = {
  Config: Symbol("Config") as InjectionToken<Config>,
  Clock: Symbol("Clock") as InjectionToken<Clock>,
  Random: Symbol("Random") as InjectionToken<RandomSource>,
  Logger: Symbol("Logger") as InjectionToken<Logger>,
  Durable: Symbol("DurableStorage") as InjectionToken<DurableStorage>,
  Ephemeral: Symbol("EphemeralStore") as InjectionToken<EphemeralStore>,
  RevocationBus: Symbol("RevocationBus") as InjectionToken<RevocationBus>,
  ChangeSignal: Symbol("ChangeSignal") as InjectionToken<ChangeSignal>,
  Keys: Symbol("KeyService") as InjectionToken<KeyService>,
  Sealer: Symbol("Sealer") as InjectionToken<Sealer>,
  AccessTokenMinter: Symbol("AccessTokenMinter") as InjectionToken<AccessTokenMinter>,
  TokenValidator: Symbol("TokenValidator") as InjectionToken<TokenValidator>,
  Revocation: Symbol("RevocationService") as InjectionToken<RevocationService>,
  Capabilities: Symbol("Capabilities") as InjectionToken<Capabilities>,
  ClientRegistry: Symbol("ClientRegistry") as InjectionToken<ClientRegistry>,
} as const;
