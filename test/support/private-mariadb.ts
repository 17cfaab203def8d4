import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import { waitUntil } from "./fault-requirements.js";
import { freePort } from "./test-app.js";

const run = promisify(execFile);
/** The binaries a PrivateMariaDb needs (Debian's mariadb-server package). */
export const MARIADB_BINARIES = ["mariadb-install-db", "/usr/sbin/mariadbd"] as const;

/**
 * A throwaway MariaDB for tests that stop, kill or restart it (never the shared one): its own data directory, port and
 * socket, root with an empty password on 127.0.0.1; installed in ~2 s, started in well under a second.
 */
export class PrivateMariaDb {
  private child: ChildProcess | undefined;
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Installs a data directory and starts the server on a free loopback port. */
  static async start(): Promise<PrivateMariaDb> {
    const dir = await mkdtemp(join(tmpdir(), "portcullis-mariadb-"));
    await run("mariadb-install-db", ["--no-defaults", `--datadir=${join(dir, "data")}`, "--auth-root-authentication-method=normal", "--skip-test-db", "--user=root"]);
    const db = new PrivateMariaDb(dir, await freePort());
    await db.start();
    return db;
  }

  /** The URL of `database` on this server. */
  url(database = ""): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  /** (Re)starts the server on the same data directory and port; resolves when it answers. */
  async start(): Promise<void> {
    const d = this.dir;
    const flags = [`--datadir=${join(d, "data")}`, `--port=${this.port}`, "--bind-address=127.0.0.1", `--socket=${join(d, "sock")}`, `--pid-file=${join(d, "pid")}`, `--log-error=${join(d, "error.log")}`];
    this.child = spawn("/usr/sbin/mariadbd", ["--no-defaults", ...flags, "--user=root", "--skip-log-bin", "--skip-name-resolve", "--innodb-buffer-pool-size=32M"], { stdio: "ignore" });
    await waitUntil(() => this.answers(), 20_000, `mariadbd did not answer on port ${this.port}`);
  }

  /** Stops the server: SIGKILL (a crash: in-flight transactions roll back at the next start) or SIGTERM (a clean shutdown). */
  async stop(signal: "SIGKILL" | "SIGTERM" = "SIGTERM"): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(signal);
    await exited;
  }

  /** Creates `database` and returns its URL. */
  async createDatabase(database: string): Promise<string> {
    const admin = await mysql.createConnection(this.url());
    await admin.query(`CREATE DATABASE \`${database}\``);
    await admin.end();
    return this.url(database);
  }

  /** Kills the server and deletes its data directory. */
  async remove(): Promise<void> {
    await this.stop("SIGKILL");
    await rm(this.dir, { recursive: true, force: true });
  }

  private async answers(): Promise<boolean> {
    try {
      const connection = await mysql.createConnection({ uri: this.url(), connectTimeout: 1000 });
      await connection.end();
      return true;
    } catch {
      return false;
    }
  }
}
