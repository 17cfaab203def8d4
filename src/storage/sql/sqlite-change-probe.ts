import Database from "better-sqlite3";

/** How long a probe waits for a lock before it reports "maybe changed" (WAL readers normally never wait). */
const PROBE_BUSY_TIMEOUT_MS = 50;

/**
 * The cheap change check of an embedded SQLite file (ChangeLog.probe): a read-only handle of its own, whose
 * `PRAGMA data_version` moves whenever any other connection commits (the CLI, another process, or this process's
 * own knex connection); only then is the head row read. Both are synchronous reads of a few microseconds.
 */
export class SqliteChangeProbe {
  #db: Database.Database | undefined;
  #dataVersion: Database.Statement | undefined;
  #head: Database.Statement | undefined;
  #lastVersion = -1;

  constructor(private readonly filename: string) {}

  /** The head when something was committed since the last call; undefined when nothing was; Infinity when it cannot tell. */
  readonly probe = (): number | undefined => {
    try {
      this.#open();
      const version = this.#dataVersion!.get() as number;
      if (version === this.#lastVersion) return undefined;
      const head = Number((this.#head!.get() as number | undefined) ?? 0);
      this.#lastVersion = version;
      return head;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  };

  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }

  #open(): void {
    if (this.#db) return;
    const db = new Database(this.filename, { readonly: true, fileMustExist: true, timeout: PROBE_BUSY_TIMEOUT_MS });
    try {
      this.#dataVersion = db.prepare("PRAGMA data_version").pluck();
      this.#head = db.prepare("SELECT seq FROM change_head WHERE id = 1").pluck();
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
  }
}
