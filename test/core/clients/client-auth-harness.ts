import "reflect-metadata";
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import clientSecretBasic from "../../../plugins/client-auth/client-secret-basic/index.js";
import clientSecretJwt from "../../../plugins/client-auth/client-secret-jwt/index.js";
import clientSecretPost from "../../../plugins/client-auth/client-secret-post/index.js";
import none from "../../../plugins/client-auth/none/index.js";
import privateKeyJwt from "../../../plugins/client-auth/private-key-jwt/index.js";
import tlsClientAuth from "../../../plugins/client-auth/tls-client-auth/index.js";
import { loadConfig, type Config } from "../../../src/config/config.js";
import type { SettingName } from "../../../src/config/defaults.js";
import { ChangeFeed } from "../../../src/core/changes/change-feed.js";
import { ClientAuthenticatorsToken } from "../../../src/core/clients/client-auth.tokens.js";
import { ClientAuthenticationService } from "../../../src/core/clients/client-authentication.service.js";
import { ClientCache } from "../../../src/core/clients/client-cache.js";
import { ClientJwksCache } from "../../../src/core/clients/client-jwks-cache.js";
import { DI } from "../../../src/core/di-tokens.js";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import type { Clock } from "../../../src/core/ports/clock.js";
import type { EphemeralStore, RevocationBus } from "../../../src/core/ports/ephemeral-store.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { secretDigest } from "../../../src/core/security/digest.js";
import { buildRegistries } from "../../../src/plugin-host/plugin-registries.js";
import type { Client, ClientMetadata } from "../../../src/plugin-sdk/client.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { silentLogger } from "../../integration/storage/services.js";
import { ISSUER } from "./auth-fixtures.js";
import { ProtocolMetricsToken } from "../../../src/core/ports/protocol-metrics.js";

export { basic, endpointRequest, expectOAuthError, ISSUER, JWT_BEARER, signAssertion, testKey, type TestKey } from "./auth-fixtures.js";

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public ms = Date.UTC(2030, 0, 1)) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }
}

/** Real configuration parsed from settings, as at boot. */
export function testConfig(overrides: Partial<Record<SettingName, string>> = {}): Config {
  return loadConfig({}, { issuer: ISSUER, clockTolerance: "30", assertionMaxLifetime: "300", ...overrides });
}

export interface NewClient {
  clientId: string;
  metadata: ClientMetadata;
  /** Stored as a digest; also sealed when `sealed` is true (client_secret_jwt). */
  secret?: string;
  sealed?: boolean;
  secretExpiresAt?: number;
}

/** Real storage (SQLite in memory, memory ephemeral store), a real sealer and the client-auth plugins, wired by tsyringe. */
export class Harness {
  private constructor(
    readonly config: Config,
    readonly clock: ManualClock,
    readonly storage: DurableStorage,
    readonly store: EphemeralStore,
    readonly bus: RevocationBus,
    readonly sealer: AesGcmSealer,
    readonly container: DependencyContainer,
  ) {}

  static async open(overrides: Partial<Record<SettingName, string>> = {}): Promise<Harness> {
    const config = testConfig(overrides);
    const clock = new ManualClock();
    const storage = await openSqlStorage("sqlite::memory:");
    await storage.migrate();
    const { store, bus, signal } = await openEphemeral({ clock });
    const sealer = new AesGcmSealer(Buffer.alloc(32, 7));
    const registries = buildRegistries([clientSecretBasic, clientSecretPost, clientSecretJwt, privateKeyJwt, none, tlsClientAuth], {});
    const container = rootContainer.createChildContainer();
    container.register(DI.Config, { useValue: config });
    container.register(DI.Clock, { useValue: clock });
    container.register(DI.Durable, { useValue: storage });
    container.register(DI.Ephemeral, { useValue: store });
    container.register(DI.RevocationBus, { useValue: bus });
    container.register(DI.ChangeSignal, { useValue: signal });
    container.register(DI.Logger, { useValue: silentLogger });
    container.register(DI.Sealer, { useValue: sealer });
    container.register(ClientAuthenticatorsToken, { useValue: registries.clientAuthenticators });
    container.register(ProtocolMetricsToken, { useValue: { tokenRequest() {}, clientAuthentication() {} } });
    for (const cls of [ChangeFeed, ClientCache, ClientJwksCache, ClientAuthenticationService]) container.registerSingleton(cls as never);
    await container.resolve(ChangeFeed).start();
    return new Harness(config, clock, storage, store, bus, sealer, container);
  }

  get service(): ClientAuthenticationService {
    return this.container.resolve(ClientAuthenticationService);
  }

  async addClient(input: NewClient): Promise<Client> {
    const now = this.clock.seconds;
    const client: Client = {
      clientId: input.clientId,
      metadata: input.metadata,
      issuedAt: now,
      updatedAt: now,
      ...(input.secret !== undefined && { secretDigest: secretDigest(input.secret) }),
      ...(input.secret !== undefined && input.sealed && { secretSealed: this.sealer.seal(input.secret, input.clientId) }),
      ...(input.secretExpiresAt !== undefined && { secretExpiresAt: input.secretExpiresAt }),
    };
    await this.storage.clients.insert(client);
    return client;
  }

  async close(): Promise<void> {
    this.container.resolve(ChangeFeed).stop();
    await this.bus.close();
    await this.store.close();
    await this.storage.close();
  }
}

