import "reflect-metadata";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import { SignJWT, type JWK, type JWTPayload } from "jose";
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import clientSecretBasic from "../../../plugins/client-auth/client-secret-basic/index.js";
import clientSecretJwt from "../../../plugins/client-auth/client-secret-jwt/index.js";
import clientSecretPost from "../../../plugins/client-auth/client-secret-post/index.js";
import none from "../../../plugins/client-auth/none/index.js";
import privateKeyJwt from "../../../plugins/client-auth/private-key-jwt/index.js";
import { loadConfig, type Config } from "../../../src/config/config.js";
import type { SettingName } from "../../../src/config/defaults.js";
import { ClientAuthenticatorsToken } from "../../../src/core/clients/client-auth.tokens.js";
import { ClientAuthenticationService } from "../../../src/core/clients/client-authentication.service.js";
import { ClientCache } from "../../../src/core/clients/client-cache.js";
import { ClientJwksCache } from "../../../src/core/clients/client-jwks-cache.js";
import { DI } from "../../../src/core/di-tokens.js";
import { mappingFor } from "../../../src/core/errors/error-table.js";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import type { Clock } from "../../../src/core/ports/clock.js";
import type { EphemeralStore, RevocationBus } from "../../../src/core/ports/ephemeral-store.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { secretDigest } from "../../../src/core/security/digest.js";
import { buildRegistries } from "../../../src/plugin-host/plugin-registries.js";
import type { Client, ClientMetadata } from "../../../src/plugin-sdk/client.js";
import { isOAuthError, type OAuthError } from "../../../src/plugin-sdk/errors.js";
import { FormParams } from "../../../src/plugin-sdk/form-params.js";
import type { EndpointRequest } from "../../../src/plugin-sdk/request.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";

export const ISSUER = "https://as.example.com";
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

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

/** A signing key pair with its public JWK. */
export interface TestKey {
  alg: string;
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

const KEY_TYPES: Record<string, () => { privateKey: KeyObject; publicKey: KeyObject }> = {
  RS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
  PS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
  ES256: () => generateKeyPairSync("ec", { namedCurve: "P-256" }),
  EdDSA: () => generateKeyPairSync("ed25519"),
};

export function testKey(alg: keyof typeof KEY_TYPES, kid = randomUUID()): TestKey {
  const { privateKey, publicKey } = KEY_TYPES[alg]!();
  return { alg, kid, privateKey, publicJwk: { ...publicKey.export({ format: "jwk" }), kid } };
}

/** Signs a client assertion for `clientId` at `nowSeconds`; `claims` override or (with undefined) remove defaults. */
export function signAssertion(
  key: KeyObject | Uint8Array,
  header: { alg: string; kid?: string },
  clientId: string,
  nowSeconds: number,
  claims: Record<string, unknown> = {},
): Promise<string> {
  const payload: Record<string, unknown> = { iss: clientId, sub: clientId, aud: ISSUER, jti: randomUUID(), iat: nowSeconds, exp: nowSeconds + 60, ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload as JWTPayload).setProtectedHeader(header).sign(key);
}

/** A request to an endpoint with form parameters and headers. */
export function endpointRequest(params: Record<string, string> = {}, headers: Record<string, string> = {}, remoteAddress = "203.0.113.7"): EndpointRequest {
  return { method: "POST", url: `${ISSUER}/token`, headers, params: FormParams.from(params), remoteAddress };
}

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

export interface NewClient {
  clientId: string;
  metadata: ClientMetadata;
  /** Stored as a digest; also sealed when `sealed` is true (client_secret_jwt). */
  secret?: string;
  sealed?: boolean;
  secretExpiresAt?: number;
}

/** Real storage (SQLite in memory, memory ephemeral store), a real sealer and the five plugins, wired by tsyringe. */
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
    const { store, bus } = await openEphemeral({ clock });
    const sealer = new AesGcmSealer(Buffer.alloc(32, 7));
    const registries = buildRegistries([clientSecretBasic, clientSecretPost, clientSecretJwt, privateKeyJwt, none], {});
    const container = rootContainer.createChildContainer();
    container.register(DI.Config, { useValue: config });
    container.register(DI.Clock, { useValue: clock });
    container.register(DI.Durable, { useValue: storage });
    container.register(DI.Ephemeral, { useValue: store });
    container.register(DI.RevocationBus, { useValue: bus });
    container.register(DI.Sealer, { useValue: sealer });
    container.register(ClientAuthenticatorsToken, { useValue: registries.clientAuthenticators });
    for (const cls of [ClientCache, ClientJwksCache, ClientAuthenticationService]) container.registerSingleton(cls as never);
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
    this.container.resolve(ClientCache).close();
    await this.bus.close();
    await this.store.close();
    await this.storage.close();
  }
}

/** Awaits `promise`, expecting an OAuthError with this code and HTTP status (from the one error table); returns it. */
export async function expectOAuthError(promise: Promise<unknown>, error: string, status: number): Promise<OAuthError> {
  const thrown = await promise.then(
    () => assert.fail(`expected ${error}, but it succeeded`),
    (e: unknown) => e,
  );
  assert.ok(isOAuthError(thrown), `expected an OAuthError, got ${String(thrown)}`);
  assert.equal(thrown.error, error, thrown.message);
  assert.equal(mappingFor(thrown).status, status);
  return thrown;
}
