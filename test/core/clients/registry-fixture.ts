import "reflect-metadata";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "../../../src/config/config.js";
import type { SettingName } from "../../../src/config/defaults.js";
import type { Capabilities } from "../../../src/core/capabilities.js";
import { ClientRegistryService } from "../../../src/core/clients/client-registry.service.js";
import { InitialAccessTokens } from "../../../src/core/clients/initial-access-tokens.js";
import { RegistrationEvidence } from "../../../src/core/clients/registration-evidence.js";
import { SoftwareStatements } from "../../../src/core/clients/software-statements.js";
import { AttestationChallengeService } from "../../../src/core/attestation/attestation-challenges.service.js";
import { AttestationVerifierChain } from "../../../src/core/attestation/attestation-verifiers.js";
import type { AttestationVerifier } from "../../../src/plugin-sdk/attestation.js";
import type { TrustedIssuers } from "../../../src/plugin-sdk/capabilities.js";
import { SectorIdentifierVerifier } from "../../../src/core/clients/sector-identifier.verifier.js";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import type { RevocationBus, RevocationEvent } from "../../../src/core/ports/ephemeral-store.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { SafeFetcher } from "../../../src/core/security/safe-fetch.js";
import { cryptoRandom } from "../../../src/core/security/system-clock.js";
import { isOAuthError, type OAuthError } from "../../../src/plugin-sdk/errors.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { RateLimiter } from "../../../src/core/security/rate-limiter.js";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { RevocationServiceImpl } from "../../../src/core/tokens/revocation.service.js";
import { startedChangeFeed } from "../../support/change-feed.js";
import { FakeClock } from "../../support/fake-clock.js";
import { firstPartyPlugins } from "../../../plugins/index.js";
import { buildRegistries } from "../../../src/plugin-host/plugin-registries.js";
import { recordingAudit } from "../../support/recording-audit.js";

export const ISSUER = "https://as.example.com";

/** The first-party client-authentication plugins, as the app instantiates them. */
export const AUTHENTICATORS = buildRegistries(firstPartyPlugins.filter((m) => m.id.startsWith("client-auth.")), {}).clientAuthenticators;

/** A server with every first-party grant, auth method and response type enabled, signing with ES256 and RS256, unsigned ID tokens allowed. */
export const CAPABILITIES: Capabilities = {
  grantTypes: ["authorization_code", "implicit", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"],
  confidentialGrantTypes: ["client_credentials"],
  clientAuthMethods: ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"],
  clientAuthSigningAlgs: ["HS256", "HS512", "RS256", "ES256", "PS256", "EdDSA"],
  responseTypes: ["code", "id_token", "token", "code id_token", "code token", "id_token token", "code id_token token", "none"],
  signingAlgs: ["ES256", "RS256"],
  unsignedIdTokens: true,
  clientCertificates: true,
};

export const WEB_CLIENT = { redirect_uris: ["https://rp.example.com/cb"] } as const;

/** Everything a registry needs, over real in-memory SQLite, the memory revocation bus and AES-GCM sealing. */
export interface RegistryFixture {
  registry: ClientRegistryService;
  initialAccessTokens: InitialAccessTokens;
  rateLimiter: RateLimiter;
  evidence: RegistrationEvidence;
  challenges: AttestationChallengeService;
  durable: DurableStorage;
  sealer: AesGcmSealer;
  config: Config;
  clock: FakeClock;
  bus: RevocationBus;
  /** Revocation events published so far. */
  events: RevocationEvent[];
  close(): Promise<void>;
}

export async function openRegistryFixture(
  options: {
    settings?: Partial<Record<SettingName, string>>;
    databaseUrl?: string;
    /** Answers software-statement checks; by default every issuer is untrusted. */
    trustedIssuers?: TrustedIssuers;
    /** Attestation verifiers by evidence format; none by default. */
    verifiers?: ReadonlyMap<string, AttestationVerifier>;
  } = {},
): Promise<RegistryFixture> {
  const clock = new FakeClock();
  const config = loadConfig({}, { issuer: ISSUER, ...options.settings });
  const durable = await openSqlStorage(options.databaseUrl ?? "sqlite::memory:");
  await durable.migrate();
  const ephemeral = await openEphemeral({ clock });
  const events: RevocationEvent[] = [];
  ephemeral.bus.subscribe((event) => events.push(event));
  const sealer = new AesGcmSealer(randomBytes(32));
  const sectorIdentifiers = new SectorIdentifierVerifier(new SafeFetcher(config));
  const trustedIssuers: TrustedIssuers = options.trustedIssuers ?? { verify: async () => ({ ok: false, reason: "untrusted_issuer", description: "iss is not a trusted issuer" }) };
  const statements = new SoftwareStatements(trustedIssuers, config);
  const registry = new ClientRegistryService(durable, clock, cryptoRandom, sealer, CAPABILITIES, config, sectorIdentifiers, AUTHENTICATORS, new Map(), statements, recordingAudit());
  const challenges = new AttestationChallengeService(sealer, clock, ephemeral.store);
  // Client events reach revocation listeners through the change feed, as in the app.
  const changes = await startedChangeFeed(durable, { config });
  new RevocationServiceImpl(config, clock, durable, ephemeral.store, ephemeral.bus, recordingAudit(), changes);
  const initialAccessTokens = new InitialAccessTokens(durable, clock, cryptoRandom);
  return {
    registry,
    initialAccessTokens,
    rateLimiter: new RateLimiter(ephemeral.store, config),
    evidence: new RegistrationEvidence(new AttestationVerifierChain(options.verifiers ?? new Map()), challenges, config),
    challenges,
    durable,
    sealer,
    config,
    clock,
    bus: ephemeral.bus,
    events,
    async close() {
      changes.stop();
      await ephemeral.bus.close();
      await ephemeral.store.close();
      await durable.close();
    },
  };
}

/** Asserts `error` is an OAuthError with `code` and a description matching `description`. */
export function assertOAuthError(error: unknown, code: string, description?: RegExp): true {
  assert.ok(isOAuthError(error), `expected an OAuthError, got ${String(error)}`);
  const oauth = error as OAuthError;
  assert.equal(oauth.error, code, `${oauth.error}: ${oauth.description}`);
  if (description) assert.match(oauth.description ?? "", description);
  return true;
}
