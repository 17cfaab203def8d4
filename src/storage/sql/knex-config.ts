import type { Knex } from "knex";
import type { Logger } from "../../core/ports/logger.js";
import { migrationSource } from "./migrations/index.js";

/** Bounds every wait on the database well below knex's 60 s default (security corpus S108). */
const CONNECT_TIMEOUT_MS = 3000;
const SQLITE_BUSY_TIMEOUT_MS = 3000;
const MYSQL_LOCK_WAIT_TIMEOUT_S = 5;

type Done = (error: Error | null, connection: unknown) => void;

interface SqliteConnection {
  pragma(source: string): unknown;
}

interface MysqlConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

/** In-memory when the path is `:memory:`; a file otherwise, in WAL mode with a busy timeout. */
export function sqliteConfig(filename: string): Knex.Config {
  return {
    client: "better-sqlite3",
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(db: SqliteConnection, done: Done) {
        if (filename !== ":memory:") db.pragma("journal_mode = WAL");
        db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
        done(null, db);
      },
    },
  };
}

/** `mysql://user:pass@host:port/db` (MySQL, MariaDB, or MySQL-compatible engines). */
export function mysqlConfig(url: URL): Knex.Config {
  return {
    client: "mysql2",
    connection: {
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: decodeURIComponent(url.pathname.slice(1)),
      charset: "utf8mb4",
      supportBigNumbers: true,
      bigNumberStrings: false,
      connectTimeout: CONNECT_TIMEOUT_MS,
    },
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS,
    pool: {
      min: 0,
      max: 10,
      afterCreate(connection: MysqlConnection, done: Done) {
        connection.query(`SET SESSION innodb_lock_wait_timeout = ${MYSQL_LOCK_WAIT_TIMEOUT_S}`, (error) => done(error, connection));
      },
    },
  };
}

/** knex's own warnings routed to the injected logger. */
export function knexLog(logger: Logger): Knex.Logger {
  return {
    warn: (message) => logger.warn({ component: "knex" }, String(message)),
    error: (message) => logger.error({ component: "knex" }, String(message)),
    debug: (message) => logger.debug({ component: "knex" }, String(message)),
    deprecate: (method, alternative) => logger.warn({ component: "knex" }, `${method} is deprecated; use ${alternative}`),
  };
}

export const migrationsConfig: Knex.MigratorConfig = { migrationSource };
