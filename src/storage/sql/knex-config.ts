import type { Knex } from "knex";
import type { Logger } from "../../core/ports/logger.js";
import { migrationSource } from "./migrations/index.js";

/** Bounds every wait on the database well below knex's 60 s default (security corpus S108). */
const CONNECT_TIMEOUT_MS = 3000;
const SQLITE_BUSY_TIMEOUT_MS = 3000;
const MYSQL_LOCK_WAIT_TIMEOUT_S = 5;
/** A query (BEGIN and COMMIT included) unanswered this long fails and its connection is dropped: longer than a lock wait. */
export const MYSQL_QUERY_TIMEOUT_MS = 6000;

type Done = (error: Error | null, connection: unknown) => void;

interface SqliteConnection {
  pragma(source: string): unknown;
  prepare(source: string): unknown;
}

/** Prepared SQLite statements kept per connection; knex's SQL text varies only with list lengths, so this bounds it. */
const SQLITE_STATEMENT_CACHE = 500;

type QueryCallback = (error: (Error & { code?: string }) | null, ...results: unknown[]) => void;

interface MysqlConnection {
  query(options: string | Record<string, unknown>, values?: unknown, callback?: QueryCallback): unknown;
  destroy(): void;
}

/** How a SQLite file commits in WAL mode (SQLITE_SYNCHRONOUS; decisions.md "SQLite commits"). */
export type SqliteSynchronous = "normal" | "full";

/** In-memory when the path is `:memory:`; a file otherwise, in WAL mode with a busy timeout and `synchronous` as given. */
export function sqliteConfig(filename: string, synchronous: SqliteSynchronous = "normal"): Knex.Config {
  return {
    client: "better-sqlite3",
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(db: SqliteConnection, done: Done) {
        if (filename !== ":memory:") db.pragma("journal_mode = WAL");
        db.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
        db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
        reusePreparedStatements(db);
        done(null, db);
      },
    },
  };
}

/**
 * Prepares each distinct SQL text once per connection (DESIGN "Hot paths"): knex asks better-sqlite3 to prepare every
 * query anew, which cost more than running it. Statements run to completion (`all`/`run`), so one can be reused at once;
 * SQLite re-prepares a statement itself after a schema change.
 */
export function reusePreparedStatements(db: SqliteConnection): void {
  const prepare = db.prepare.bind(db);
  const statements = new Map<string, unknown>();
  db.prepare = (source) => {
    let statement = statements.get(source);
    if (statement === undefined) {
      if (statements.size >= SQLITE_STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
      statements.set(source, (statement = prepare(source)));
    }
    return statement;
  };
}

/**
 * Gives every query on `connection` a timeout (mysql2 has none by default: a server that stops answering would hold the
 * request forever), and drops the connection when one expires so the pool never hands it out again (corpus S108).
 */
function boundQueries(connection: MysqlConnection, timeoutMs: number): void {
  const query = connection.query.bind(connection);
  connection.query = (options, values, callback) => {
    const sql = typeof options === "string" ? { sql: options } : options;
    const [args, done] = typeof values === "function" ? [undefined, values as QueryCallback] : [values, callback];
    return query({ timeout: timeoutMs, ...sql }, args, (error, ...results) => {
      if (error?.code === "PROTOCOL_SEQUENCE_TIMEOUT") connection.destroy();
      done?.(error, ...results);
    });
  };
}

/**
 * `mysql://user:pass@host:port/db` (MySQL, MariaDB, or MySQL-compatible engines); `queryTimeoutMs` 0 leaves queries
 * unbounded (migrations: DDL on a large table and the migration lock wait may take long).
 */
export function mysqlConfig(url: URL, { queryTimeoutMs = MYSQL_QUERY_TIMEOUT_MS } = {}): Knex.Config {
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
        if (queryTimeoutMs > 0) boundQueries(connection, queryTimeoutMs);
        connection.query(`SET SESSION innodb_lock_wait_timeout = ${MYSQL_LOCK_WAIT_TIMEOUT_S}`, undefined, (error) => done(error, connection));
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
