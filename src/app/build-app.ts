import "reflect-metadata";
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import type { Config } from "../config/config.js";
import type { Capabilities } from "../core/capabilities.js";
import { ClientAuthenticatorsToken } from "../core/clients/client-auth.tokens.js";
import { ClientRegistryService } from "../core/clients/client-registry.service.js";
import { DI } from "../core/di-tokens.js";
import { GrantHandlersToken } from "../core/grants/grant-handlers.js";
import { TokenRequestHandler } from "../core/grants/token-request.handler.js";
import { loadSealer } from "../core/keys/load-sealer.js";
import { SigningKeyService } from "../core/keys/signing-key.service.js";
import type { Clock, RandomSource } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import { cryptoRandom, systemClock } from "../core/security/system-clock.js";
import { IntrospectionCustomizersToken } from "../core/tokens/introspection-customizers.js";
import { JwtAccessTokenMinter } from "../core/tokens/jwt-access-token.minter.js";
import { RevocationServiceImpl } from "../core/tokens/revocation.service.js";
import { TokenCustomizersToken } from "../core/tokens/token-customizers.js";
import { TokenValidatorService } from "../core/tokens/token-validator.service.js";
import { firstPartyPlugins } from "../../plugins/index.js";
import type { PluginModule } from "../plugin-sdk/plugin-module.js";
import { assertClientsResolvable } from "../plugin-host/assert-clients-resolvable.js";
import { loadPlugins } from "../plugin-host/load-plugins.js";
import type { PluginRegistries } from "../plugin-host/plugin-registries.js";
import { openEphemeral } from "../storage/open-ephemeral.js";
import { openSqlStorage } from "../storage/sql/open-sql-storage.js";
import { buildRouter } from "./build-router.js";
import { createLogger } from "./create-logger.js";
import { singletonClasses } from "./singletons.js";
import { startInternalServer } from "../transport/rpc/internal-server.js";
import { startPublicServer } from "../transport/http/public-server.js";
import { HealthEndpoint } from "../transport/http/endpoints/health.endpoint.js";

export interface BuildAppOptions {
  config: Config;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  /** First-party modules; tests may pass a subset. */
  plugins?: readonly PluginModule[];
}

export interface App {
  readonly config: Config;
  readonly container: DependencyContainer;
  readonly registries: PluginRegistries;
  /** Starts both listeners. */
  start(): Promise<{ publicUrl: string; grpcUrl: string }>;
  /** Readiness false, listeners closed, storage closed. */
  stop(): Promise<void>;
}

/** The composition root: the only place core classes are registered (DESIGN "Layout"). One child container per app. */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const logger = options.logger ?? createLogger(config.logLevel);
  const registries = await loadPlugins(options.plugins ?? firstPartyPlugins, config);
  const durable = await openSqlStorage(config.databaseUrl, { logger });
  const closers: (() => Promise<void>)[] = [() => durable.close()];
  try {
    await durable.migrate();
    await assertClientsResolvable(durable.clients, registries);
    const ephemeral = await openEphemeral({ redisUrl: config.redisUrl, clock, logger });
    closers.unshift(() => ephemeral.store.close(), () => ephemeral.bus.close());
    const sealer = await loadSealer({ config, durable, random, logger });

    const container = rootContainer.createChildContainer();
    container.register(DI.Config, { useValue: config });
    container.register(DI.Clock, { useValue: clock });
    container.register(DI.Random, { useValue: random });
    container.register(DI.Logger, { useValue: logger });
    container.register(DI.Durable, { useValue: durable });
    container.register(DI.Ephemeral, { useValue: ephemeral.store });
    container.register(DI.RevocationBus, { useValue: ephemeral.bus });
    container.register(DI.Sealer, { useValue: sealer });
    container.register(DI.Capabilities, { useValue: capabilitiesOf(registries, config) });
    container.register(GrantHandlersToken, { useValue: registries.grants });
    container.register(ClientAuthenticatorsToken, { useValue: registries.clientAuthenticators });
    container.register(TokenCustomizersToken, { useValue: registries.tokenCustomizers });
    container.register(IntrospectionCustomizersToken, { useValue: registries.introspectionCustomizers });
    container.registerSingleton(DI.Keys, SigningKeyService);
    container.registerSingleton(DI.AccessTokenMinter, JwtAccessTokenMinter);
    container.registerSingleton(DI.TokenValidator, TokenValidatorService);
    container.registerSingleton(DI.Revocation, RevocationServiceImpl);
    container.registerSingleton(DI.ClientRegistry, ClientRegistryService);
    registerSingletons(container);

    const keys = container.resolve(DI.Keys);
    await keys.start();
    closers.unshift(async () => keys.stop());
    const health = new HealthEndpoint();
    const router = buildRouter(container, config, logger, health);
    container.resolve(TokenRequestHandler);

    let listeners: { close(): Promise<void> }[] = [];
    return {
      config,
      container,
      registries,
      async start() {
        const internal = await startInternalServer(container, { host: config.grpcHost, port: config.grpcPort });
        const publicServer = await startPublicServer(router, { host: config.host, port: config.port, headerLimit: config.headerLimit, requestTimeout: config.requestTimeout }).catch(async (error: unknown) => {
          await internal.close();
          throw error;
        });
        listeners = [publicServer, internal];
        return { publicUrl: publicServer.url, grpcUrl: internal.url };
      },
      async stop() {
        health.drain();
        await Promise.all(listeners.map((l) => l.close()));
        listeners = [];
        await closeAll(closers);
      },
    };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

function registerSingletons(container: DependencyContainer): void {
  for (const cls of singletonClasses) container.registerSingleton(cls as never);
}

async function closeAll(closers: readonly (() => Promise<void>)[]): Promise<void> {
  for (const close of closers) await close().catch(() => undefined);
}

/** What discovery and registration validation advertise, derived from the enabled plugins (RFC 8414 §2). */
function capabilitiesOf(registries: PluginRegistries, config: Config): Capabilities {
  return {
    grantTypes: [...registries.grants.keys()],
    clientAuthMethods: registries.clientAuthenticators.map((a) => a.method),
    clientAuthSigningAlgs: [...new Set(registries.clientAuthenticators.flatMap((a) => a.signingAlgorithms ?? []))],
    responseTypes: [],
    signingAlgs: ["RS256", ...config.signingAlgs.filter((alg) => alg !== "RS256")],
  };
}
