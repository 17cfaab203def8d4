import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import knex, { type Knex } from "knex";
import type { Logger } from "../../core/ports/logger.js";
import type { DurableStorage } from "../../core/ports/repositories.js";
import { guarded } from "../guard.js";
import { SqlChangeLog } from "./change-log.js";
import { SqlClientRepository } from "./client.repository.js";
import { SqlConsentRepository } from "./consent.repository.js";
import { translateDatabaseError } from "./database-errors.js";
import { SqlGrantRepository } from "./grant.repository.js";
import { knexLog, migrationsConfig, mysqlConfig, sqliteConfig, type SqliteSynchronous } from "./knex-config.js";
import { migrateExclusively } from "./migrate-exclusively.js";
import { SqlRegistrationTokenRepository } from "./registration-token.repository.js";
import { SqlResourceRepository } from "./resource.repository.js";
import { SqlServerSecretRepository } from "./server-secret.repository.js";
import { SqlSessionRepository } from "./session.repository.js";
import { SqlSigningKeyRepository } from "./signing-key.repository.js";
import { SqliteChangeProbe } from "./sqlite-change-probe.js";
import { SqlTrustedIssuerRepository } from "./trusted-issuer.repository.js";
import { SqlUserRepository } from "./user.repository.js";

const SQLITE_PREFIX = "sqlite:";
const MEMORY = ":memory:";

interface SqlSetup {
  config: Knex.Config;
  /** MySQL: migrations run on their own short-lived pool whose queries have no timeout. */
  migrationConfig?: Knex.Config;
  /** A SQLite file: the synchronous change probe its other processes' commits are seen through. */
  probe?: SqliteChangeProbe;
}

async function configFor(databaseUrl: string, synchronous?: SqliteSynchronous): Promise<SqlSetup> {
  if (databaseUrl.startsWith(SQLITE_PREFIX)) {
    const filename = databaseUrl.slice(SQLITE_PREFIX.length);
    if (filename === MEMORY) return { config: sqliteConfig(filename) };
    await mkdir(dirname(filename), { recursive: true });
    return { config: sqliteConfig(filename, synchronous), probe: new SqliteChangeProbe(filename) };
  }
  if (databaseUrl.startsWith("mysql://")) return { config: mysqlConfig(new URL(databaseUrl)), migrationConfig: mysqlConfig(new URL(databaseUrl), { queryTimeoutMs: 0 }) };
  throw new Error("unsupported database URL: expected sqlite:<path> or mysql://user:pass@host:port/db");
}

/** Rethrows database outages from every repository method as StorageUnavailableError. */
const guard = <T extends object>(target: T): T => guarded(target, translateDatabaseError);

/** Durable storage over knex (DESIGN "State"); connections open lazily, outages surface as StorageUnavailableError. */
function sqlStorage(db: Knex, { probe, migrationDb }: { probe?: SqliteChangeProbe; migrationDb?: () => Knex }): DurableStorage {
  const changeLog = new SqlChangeLog(db, probe?.probe);
  const { head, since, purge } = guard({
    head: () => changeLog.head(),
    since: (seq: number, limit: number) => changeLog.since(seq, limit),
    purge: (keep: number) => changeLog.purge(keep),
  });
  return {
    clients: guard(new SqlClientRepository(db, changeLog)),
    users: guard(new SqlUserRepository(db)),
    resources: guard(new SqlResourceRepository(db, changeLog)),
    signingKeys: guard(new SqlSigningKeyRepository(db, changeLog)),
    registrationTokens: guard(new SqlRegistrationTokenRepository(db)),
    grants: guard(new SqlGrantRepository(db, changeLog)),
    serverSecrets: guard(new SqlServerSecretRepository(db)),
    sessions: guard(new SqlSessionRepository(db)),
    consents: guard(new SqlConsentRepository(db)),
    trustedIssuers: guard(new SqlTrustedIssuerRepository(db, changeLog)),
    // onCommit and probe stay synchronous (the guard would make them async); neither touches knex.
    changes: { head, since, purge, onCommit: (listener) => changeLog.onCommit(listener), ...(probe && { probe: probe.probe }) },
    ...guard({
      migrate: async () => {
        const migrating = migrationDb?.() ?? db;
        try {
          await migrateExclusively(migrating, migrationsConfig);
        } finally {
          if (migrating !== db) await migrating.destroy();
        }
      },
      ping: async () => void (await db.raw("select 1")),
      close: async () => {
        probe?.close();
        await db.destroy();
      },
    }),
  };
}

/** Opens `sqlite:<path>` (`sqlite::memory:` for in-memory) or `mysql://user:pass@host:port/db`; `sqliteSynchronous` applies to a SQLite file. */
export async function openSqlStorage(databaseUrl: string, options: { logger?: Logger; sqliteSynchronous?: SqliteSynchronous } = {}): Promise<DurableStorage> {
  const { config, migrationConfig, probe } = await configFor(databaseUrl, options.sqliteSynchronous);
  const open = (base: Knex.Config) => knex({ ...base, ...(options.logger && { log: knexLog(options.logger) }) });
  return sqlStorage(open(config), { probe, ...(migrationConfig && { migrationDb: () => open(migrationConfig) }) });
}
