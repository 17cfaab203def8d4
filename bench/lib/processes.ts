import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { processTree } from "./process-tree.js";

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** CPU core (or `taskset -c` core list, e.g. "0,1") to pin the process to. */
  core?: number | string;
  /** File that receives stdout and stderr; when unset, stdout is piped and stderr inherited. */
  logFile?: string;
}

/**
 * Every process the bench starts, so that all of them (and only them) are ended at the end, on failure
 * and on Ctrl-C. Each child leads its own process group, which is signalled by id as a whole.
 */
export class Children {
  readonly #live = new Set<ChildProcess>();

  /** Starts `command args…`, pinned when `core` is set (taskset execs, so the pid is the program's own). */
  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess {
    const [file, argv] = options.core === undefined ? [command, args] : ["taskset", ["-c", String(options.core), command, ...args]];
    const log = options.logFile === undefined ? undefined : openSync(options.logFile, "a");
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true,
      stdio: ["ignore", log ?? "pipe", log ?? "inherit"],
    });
    if (log !== undefined) closeSync(log);
    this.#live.add(child);
    child.once("exit", () => this.#live.delete(child));
    child.once("error", () => this.#live.delete(child));
    return child;
  }

  /** SIGTERM to the child's group, then SIGKILL if it has not exited within `graceMs`. */
  async stop(child: ChildProcess, graceMs = 8_000): Promise<void> {
    if (!this.#live.has(child)) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    signalGroup(child, "SIGTERM");
    const timer = sleep(graceMs).then(() => "timeout" as const);
    if ((await Promise.race([exited.then(() => "exited" as const), timer])) === "timeout") {
      signalGroup(child, "SIGKILL");
      await Promise.race([exited, sleep(2_000)]);
    }
    this.#live.delete(child);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#live].map((child) => this.stop(child)));
  }

  /** Last resort from a synchronous `exit` handler. */
  killAllNow(): void {
    for (const child of this.#live) signalGroup(child, "SIGKILL");
    this.#live.clear();
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

/** Resident set size of a live process and its descendants (cluster workers) in MiB, from /proc/<pid>/status VmRSS. */
export function rssMiB(pid: number): number {
  return processTree(pid).reduce((sum, each) => {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${each}/status`, "utf8"));
    if (!match) throw new Error(`no VmRSS for pid ${each}`);
    return sum + Number(match[1]) / 1024;
  }, 0);
}

/** Resolves with the exit code once the child exits (rejects on spawn failure). */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
    child.once("error", reject);
  });
}

/** Last `lines` lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

