import "reflect-metadata";
import { setTimeout as sleep } from "node:timers/promises";
import type { DependencyContainer } from "tsyringe";
import type { Config } from "../config/config.js";
import { HousekeepingService } from "../core/maintenance/housekeeping.service.js";
import { ReadinessChecks } from "../core/maintenance/readiness-checks.js";
import { ChangeFeed } from "../core/changes/change-feed.js";
import { ClientCache } from "../core/clients/client-cache.js";
import { ResourceCatalog } from "../core/resources/resource-catalog.js";
import { TrustedIssuerCatalog } from "../core/trust/trusted-issuer-catalog.js";
import { AuditTrail } from "../core/audit/audit-trail.js";
import { BackchannelLogoutNotifier } from "../core/sessions/backchannel-logout.notifier.js";
import { DI } from "../core/di-tokens.js";
import { TokenRequestHandler } from "../core/grants/token-request.handler.js";
import { loadSealer } from "../core/keys/load-sealer.js";
import type { Clock, RandomSource } from "../core/ports/clock.js";
import type { Logger } from "../core/ports/logger.js";
import { cryptoRandom, systemClock } from "../core/security/system-clock.js";
import { firstPartyPlugins } from "../../plugins/index.js";
import type { PluginModule } from "../plugin-sdk/plugin-module.js";
import { assertClientsResolvable } from "../plugin-host/assert-clients-resolvable.js";
import { loadPluginModules } from "../plugin-host/load-plugins.js";
import { containerInstantiator } from "../plugin-host/plugin-instantiator.js";
import { buildRegistries } from "../plugin-host/plugin-registries.js";
import type { PluginRegistries } from "../plugin-host/plugin-registries.js";
import { openEphemeral, type Ephemeral } from "../storage/open-ephemeral.js";
import { openSqlStorage } from "../storage/sql/open-sql-storage.js";
import { buildRouter } from "./build-router.js";
import type { OAuthRouter } from "../transport/http/oauth-router.js";
import { createContainer, registerPlugins } from "./create-container.js";
import { createLogger } from "./create-logger.js";
import { startInternalServer } from "../transport/rpc/internal-server.js";
import { startPublicListeners } from "../transport/http/public-listeners.js";
import { HealthEndpoint } from "../transport/http/endpoints/health.endpoint.js";
import { ReadinessEndpoint } from "../transport/http/endpoints/readiness.endpoint.js";
import { HttpMetrics } from "../transport/metrics/http-metrics.js";
import { startMetricsServer } from "../transport/metrics/metrics-server.js";
import { RpcMetrics } from "../transport/metrics/rpc-metrics.js";
import { PrometheusProtocolMetrics } from "../transport/metrics/protocol-metrics.prometheus.js";
import { collectDefaultMetrics, Registry } from "prom-client";
import { MemoryEphemeralStore } from "../storage/memory/memory-ephemeral.store.js";
import { registerEphemeralKeysGauge } from "../transport/metrics/ephemeral-metrics.js";

export interface BuildAppOptions {
  config: Config;
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  /** First-party modules; tests may pass a subset. */
  plugins?: readonly PluginModule[];
  /** Set in a cluster worker (src/cluster); absent for a single process. */
  worker?: WorkerRole;
}

/** How a cluster worker differs from a single process (docs/decisions.md "Every core of one machine"). */
export interface WorkerRole {
  /** The primary's state over IPC when there is no Redis; with Redis every worker opens its own connections. */
  ephemeral?: Ephemeral;
  /** Whether this worker runs the periodic jobs (housekeeping, key rotation); exactly one worker does. */
  leader: boolean;
  /** Where this worker's metrics go; the primary serves them all on METRICS_PORT, so the worker opens no metrics listener. */
  metricsRegistry: Registry;
}

export interface App {
  readonly config: Config;
  readonly container: DependencyContainer;
  readonly registries: PluginRegistries;
  /** The public listener's routes (paths below the issuer, methods, body kinds), core's and plugins' alike. */
  readonly routes: OAuthRouter["routes"];
  /** Starts both listeners. */
  /** `publicUrl` is connectable from this machine; `publicBind` is the address as bound (e.g. `http://0.0.0.0:8080`). */
  /** `mtlsUrl` is the mTLS listener's (`PUBLIC_MTLS_PORT`), when there is one; `metricsUrl` is absent in a cluster worker. */
  start(): Promise<{ publicUrl: string; publicBind: string; mtlsUrl?: string; grpcUrl: string; metricsUrl?: string }>;
  /** Readiness false; after `readinessDelayMs` (requests still served meanwhile) listeners closed, then storage closed. */
  stop(readinessDelayMs?: number): Promise<void>;
}

/** The composition root: the only place core classes are registered (DESIGN "Layout"). One child container per app. */
export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { worker } = options;
  // Key rotation is a periodic job: a worker that is not the leader only follows the keys the leader rotates.
  const config = worker?.leader === false ? { ...options.config, keyRotationInterval: 0 } : options.config;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? cryptoRandom;
  const logger = options.logger ?? createLogger(config.logLevel);
  const modules = await loadPluginModules(options.plugins ?? firstPartyPlugins, config);
  const durable = await openSqlStorage(config.databaseUrl, { logger, sqliteSynchronous: config.sqliteSynchronous });
  const closers: (() => Promise<void>)[] = [() => durable.close()];
  try {
    await durable.migrate();
    const ephemeral = worker?.ephemeral ?? (await openEphemeral({ redisUrl: config.redisUrl, clock, logger }));
    closers.unshift(() => ephemeral.signal.close(), () => ephemeral.store.close(), () => ephemeral.bus.close());
    const sealer = await loadSealer({ config, durable, random, logger });

    const metricsRegistry = worker?.metricsRegistry ?? new Registry();
    collectDefaultMetrics({ register: metricsRegistry, prefix: "portcullis_" });
    if (ephemeral.store instanceof MemoryEphemeralStore) registerEphemeralKeysGauge(metricsRegistry, ephemeral.store);
    const container = createContainer({ config, clock, random, logger, durable, ephemeral, sealer, metrics: new PrometheusProtocolMetrics(metricsRegistry) });
    const registries = buildRegistries(modules, config.pluginOptions, containerInstantiator(container, logger));
    registerPlugins(container, registries, config);
    await assertClientsResolvable(durable.clients, registries);

    // Follow the change log from before any cache loads; the caches and relays it feeds subscribe at construction.
    const changes = container.resolve(ChangeFeed);
    await changes.start();
    closers.unshift(async () => changes.stop());
    for (const consumer of [ClientCache, ResourceCatalog, TrustedIssuerCatalog, DI.Revocation] as const) container.resolve(consumer as never);
    const keys = container.resolve(DI.Keys);
    await keys.start();
    closers.unshift(async () => keys.stop());
    const housekeeping = container.resolve(HousekeepingService);
    if (worker?.leader !== false) housekeeping.start();
    closers.unshift(async () => housekeeping.stop());
    // Back-channel logout tokens already queued are delivered (each bounded by BACKCHANNEL_LOGOUT_TIMEOUT) before storage closes.
    closers.unshift(() => container.resolve(BackchannelLogoutNotifier).idle());
    // Audit events already recorded reach their sinks (e.g. the CLI's, before it exits).
    closers.unshift(() => container.resolve(AuditTrail).idle());
    const health = new HealthEndpoint();
    const rpcMetrics = new RpcMetrics(metricsRegistry);
    const readiness = new ReadinessEndpoint(health, container.resolve(ReadinessChecks), logger);
    const router = await buildRouter(container, registries, logger, [health, readiness], new HttpMetrics(metricsRegistry));
    container.resolve(TokenRequestHandler);

    let listeners: { close(): Promise<void> }[] = [];
    return {
      config,
      container,
      registries,
      routes: () => router.routes(),
      async start() {
        const started: { close(): Promise<void> }[] = [];
        const open = async <T extends { close(): Promise<void> }>(listener: Promise<T>): Promise<T> => {
          const opened = await listener.catch(async (error: unknown) => {
            await Promise.all(started.map((l) => l.close()));
            throw error;
          });
          started.push(opened);
          return opened;
        };
        const internal = await open(startInternalServer(container, { host: config.grpcHost, port: config.grpcPort, metrics: rpcMetrics }));
        const metrics = worker ? undefined : await open(startMetricsServer(metricsRegistry, { host: config.metricsHost, port: config.metricsPort }));
        const publicServer = await open(startPublicListeners(router, config));
        listeners = started;
        return { publicUrl: publicServer.url, publicBind: publicServer.bound, mtlsUrl: publicServer.mtlsUrl, grpcUrl: internal.url, metricsUrl: metrics?.url };
      },
      async stop(readinessDelayMs = 0) {
        health.drain();
        if (readinessDelayMs > 0) await sleep(readinessDelayMs);
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

async function closeAll(closers: readonly (() => Promise<void>)[]): Promise<void> {
  for (const close of closers) await close().catch(() => undefined);
}
