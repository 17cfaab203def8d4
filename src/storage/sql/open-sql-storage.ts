import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import knex, { type Knex } from "knex";
import type { Logger } from "../../core/ports/logger.js";
import type { DurableStorage } from "../../core/ports/repositories.js";
import { guarded } from "../guard.js";
import { SqlClientRepository } from "./client.repository.js";
import { SqlConsentRepository } from "./consent.repository.js";
import { translateDatabaseError } from "./database-errors.js";
import { SqlGrantRepository } from "./grant.repository.js";
import { knexLog, migrationsConfig, mysqlConfig, sqliteConfig } from "./knex-config.js";
import { migrateExclusively } from "./migrate-exclusively.js";
import { SqlRegistrationTokenRepository } from "./registration-token.repository.js";
import { SqlResourceRepository } from "./resource.repository.js";
import { SqlServerSecretRepository } from "./server-secret.repository.js";
import { SqlSessionRepository } from "./session.repository.js";
import { SqlSigningKeyRepository } from "./signing-key.repository.js";
import { SqlUserRepository } from "./user.repository.js";

const SQLITE_PREFIX = "sqlite:";
const MEMORY = ":memory:";

async function configFor(databaseUrl: string): Promise<Knex.Config> {
  if (databaseUrl.startsWith(SQLITE_PREFIX)) {
    const filename = databaseUrl.slice(SQLITE_PREFIX.length);
    if (filename !== MEMORY) await mkdir(dirname(filename), { recursive: true });
    return sqliteConfig(filename);
  }
  if (databaseUrl.startsWith("mysql://")) return mysqlConfig(new URL(databaseUrl));
  throw new Error("unsupported database URL: expected sqlite:<path> or mysql://user:pass@host:port/db");
}

/** Rethrows database outages from every repository method as StorageUnavailableError. */
const guard = <T extends object>(target: T): T => guarded(target, translateDatabaseError);

/** Durable storage over knex (DESIGN "State"); connections open lazily, outages surface as StorageUnavailableError. */
function sqlStorage(db: Knex): DurableStorage {
  return {
    clients: guard(new SqlClientRepository(db)),
    users: guard(new SqlUserRepository(db)),
    resources: guard(new SqlResourceRepository(db)),
    signingKeys: guard(new SqlSigningKeyRepository(db)),
    registrationTokens: guard(new SqlRegistrationTokenRepository(db)),
    grants: guard(new SqlGrantRepository(db)),
    serverSecrets: guard(new SqlServerSecretRepository(db)),
    sessions: guard(new SqlSessionRepository(db)),
    consents: guard(new SqlConsentRepository(db)),
    ...guard({
      migrate: () => migrateExclusively(db, migrationsConfig),
      ping: async () => void (await db.raw("select 1")),
      close: () => db.destroy(),
    }),
  };
}

/** Opens `sqlite:<path>` (`sqlite::memory:` for in-memory) or `mysql://user:pass@host:port/db`. */
export async function openSqlStorage(databaseUrl: string, options: { logger?: Logger } = {}): Promise<DurableStorage> {
  const config = await configFor(databaseUrl);
  return sqlStorage(knex({ ...config, ...(options.logger && { log: knexLog(options.logger) }) }));
}
