import knex from "knex";
import { StorageUnavailableError } from "../../core/errors/storage-unavailable.js";

/** Driver error codes meaning "cannot answer now" (connection loss, timeouts, lock waits, busy files), not a bad query. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_LOCK_DEADLOCK",
  "ER_CON_COUNT_ERROR",
  "ER_TOO_MANY_USER_CONNECTIONS",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  "ER_CLIENT_INTERACTION_TIMEOUT",
]);
const UNAVAILABLE_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN)/;

function isUnavailable(error: unknown): boolean {
  if (error instanceof knex.KnexTimeoutError) return true;
  if (typeof error !== "object" || error === null) return false;
  const { code, fatal, errors } = error as { code?: unknown; fatal?: unknown; errors?: unknown };
  if (fatal === true) return true;
  if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLITE.test(code))) return true;
  return Array.isArray(errors) && errors.some(isUnavailable);
}

/** Maps outages to StorageUnavailableError("database") (→ 503, security corpus S108); other errors pass through. */
export function translateDatabaseError(error: unknown): unknown {
  return isUnavailable(error) ? new StorageUnavailableError("database", { cause: error }) : error;
}
