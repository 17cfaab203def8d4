import "reflect-metadata";
import { createHash } from "node:crypto";
import { loadConfig, type Config } from "../../../src/config/config.js";
import type { SettingName } from "../../../src/config/defaults.js";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import { SigningKeyService } from "../../../src/core/keys/signing-key.service.js";
import type { Clock, RandomSource } from "../../../src/core/ports/clock.js";
import type { Logger } from "../../../src/core/ports/logger.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { idleChangeFeed } from "../../support/change-feed.js";
import { FakeClock } from "../../support/fake-clock.js";
import { recordingAudit } from "../../support/recording-audit.js";

export { FakeClock } from "../../support/fake-clock.js";

export const ISSUER = "https://as.example.com";
export const ALL_ALGS = ["ES256", "RS256", "PS256", "EdDSA"] as const;

/** Real configuration parsed from settings, as at boot. */
export function testConfig(overrides: Partial<Record<SettingName, string>> = {}): Config {
  return loadConfig({}, { issuer: ISSUER, signingAlgs: ALL_ALGS.join(","), ...overrides });
}

/** Deterministic, unique randomness: SHA-256 of a counter. */
export function counterRandom(seed = "test"): RandomSource {
  let n = 0;
  const next = (bytes: number) => createHash("sha256").update(`${seed}:${n++}`).digest().subarray(0, bytes).toString("base64url");
  return { token: next, id: () => next(16) };
}

/** A logger that records warnings. */
export function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const logger = {
    warnings,
    debug() {},
    info() {},
    warn(_obj: object, msg?: string) {
      warnings.push(msg ?? "");
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

export const testSealer = () => new AesGcmSealer(Buffer.alloc(32, 7));

/** Migrated SQL storage; in-memory SQLite unless a URL is given. */
export async function openStorage(url = "sqlite::memory:"): Promise<DurableStorage> {
  const storage = await openSqlStorage(url);
  await storage.migrate();
  return storage;
}

/** A started key service over `storage`. */
export async function startedKeys(storage: DurableStorage, config = testConfig(), clock: Clock = new FakeClock()): Promise<SigningKeyService> {
  const keys = new SigningKeyService(config, storage, testSealer(), clock, recordingLogger(), idleChangeFeed(storage), recordingAudit());
  await keys.start();
  return keys;
}
