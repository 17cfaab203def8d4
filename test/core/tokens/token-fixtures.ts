import "reflect-metadata";
import { JwtSigner } from "../../../src/core/keys/jwt-signer.js";
import { JwtVerifier } from "../../../src/core/keys/jwt-verifier.js";
import type { SigningKeyService } from "../../../src/core/keys/signing-key.service.js";
import type { EphemeralStore, RevocationBus, RevocationEvent } from "../../../src/core/ports/ephemeral-store.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import type { AccessTokenMintRequest } from "../../../src/core/tokens/access-token.js";
import { JwtAccessTokenMinter } from "../../../src/core/tokens/jwt-access-token.minter.js";
import { RevocationServiceImpl } from "../../../src/core/tokens/revocation.service.js";
import { ClientCache } from "../../../src/core/clients/client-cache.js";
import { TokenValidatorService } from "../../../src/core/tokens/token-validator.service.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { startedChangeFeed } from "../../support/change-feed.js";
import { recordingAudit } from "../../support/recording-audit.js";
import { counterRandom, FakeClock, openStorage, startedKeys, testConfig } from "../keys/key-fixtures.js";

export const client: Client = { clientId: "client-1", metadata: {}, issuedAt: 0, updatedAt: 0 };

export const mintRequest = (overrides: Partial<AccessTokenMintRequest> = {}): AccessTokenMintRequest => ({
  client,
  grantType: "client_credentials",
  subject: "client-1",
  scopes: ["read", "write"],
  audiences: ["https://api.example"],
  ttl: 300,
  format: "jwt",
  ...overrides,
});

/** A verifier that counts verifications, to observe the validator's cache. */
export class CountingVerifier extends JwtVerifier {
  calls = 0;
  override verify(...args: Parameters<JwtVerifier["verify"]>) {
    this.calls++;
    return super.verify(...args);
  }
}

export interface TokenFixture {
  config: ReturnType<typeof testConfig>;
  clock: FakeClock;
  storage: DurableStorage;
  store: EphemeralStore;
  bus: RevocationBus;
  events: RevocationEvent[];
  /** What the revocation service audited (`token.revoked`). */
  audit: ReturnType<typeof recordingAudit>;
  keys: SigningKeyService;
  minter: JwtAccessTokenMinter;
  verifier: CountingVerifier;
  validator: TokenValidatorService;
  revocation: RevocationServiceImpl;
  /** A validator of another node: same stores, its own cache and bus. */
  otherNode(): Promise<TokenValidatorService>;
  close(): Promise<void>;
}

/** Real SQLite and memory stores, a started key service, and the token services wired as the app wires them. */
export async function tokenFixture(overrides: Parameters<typeof testConfig>[0] = {}): Promise<TokenFixture> {
  const config = testConfig({ signingAlgs: "ES256", ...overrides });
  const clock = new FakeClock();
  const storage = await openStorage();
  const { store, bus } = await openEphemeral({ clock });
  const events: RevocationEvent[] = [];
  const audit = recordingAudit();
  bus.subscribe((event) => events.push(event));
  const keys = await startedKeys(storage, config, clock);
  const verifier = new CountingVerifier(keys);
  await storage.clients.insert(client);
  const feed = await startedChangeFeed(storage, { config });
  const validator = new TokenValidatorService(config, clock, storage, store, bus, verifier, new ClientCache(storage, config, clock, feed));
  const closers: (() => Promise<void>)[] = [];
  return {
    config,
    clock,
    storage,
    store,
    bus,
    events,
    keys,
    minter: new JwtAccessTokenMinter(config, clock, counterRandom("mint"), store, new JwtSigner(keys)),
    verifier,
    validator,
    audit,
    revocation: new RevocationServiceImpl(config, clock, storage, store, bus, audit, feed),
    async otherNode() {
      const other = await openEphemeral({ clock });
      const otherFeed = await startedChangeFeed(storage, { config });
      closers.push(async () => otherFeed.stop(), () => other.bus.close());
      return new TokenValidatorService(config, clock, storage, store, other.bus, new JwtVerifier(keys), new ClientCache(storage, config, clock, otherFeed));
    },
    async close() {
      validator.stop();
      keys.stop();
      feed.stop();
      for (const close of closers) await close();
      await bus.close();
      await store.close();
      await storage.close();
    },
  };
}
