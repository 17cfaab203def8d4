import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { freePort } from "./test-app.js";

const run = promisify(execFile);
/** The repository root, where `npm start` and `npm run cli` run. */
export const ROOT = new URL("../..", import.meta.url).pathname;

export interface SpawnedServer {
  /** The issuer and base URL of the public listener. */
  url: string;
  /** The internal gRPC listener. */
  grpcUrl: string;
  /** The spawned process (the group leader). */
  pid: number;
  /** Resolves with the exit code once the spawned process has exited. */
  exited: Promise<number | null>;
  /** Everything the server printed on stdout and stderr so far. */
  output(): string;
  /** SIGTERM to the whole process group; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the server (`npx tsx src/main.ts`, what `npm start` runs, unless `command` says otherwise) in its own process
 * group with `env` on free ports; resolves once it listens.
 */
export async function spawnServer(env: Record<string, string>, command: readonly string[] = ["npx", "tsx", "src/main.ts"]): Promise<SpawnedServer> {
  const port = await freePort();
  const grpcPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL: "", LOG_LEVEL: "warn", HOST: "127.0.0.1", ISSUER: url, ...env, PORT: String(port), GRPC_PORT: String(grpcPort), METRICS_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.stdout!.on("data", (chunk: Buffer) => (output += String(chunk)));
  child.stderr!.on("data", (chunk: Buffer) => (output += String(chunk)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout!.on("data", () => {
      if (output.includes("listening on")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { url, grpcUrl: `http://127.0.0.1:${grpcPort}`, pid: child.pid!, exited, output: () => output, stop: () => stopGroup(child, exited) };
}

/** SIGTERM to the whole group (npx → tsx → node), then waits for the exit; resolves with the exit code. */
async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGTERM");
  return exited;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run --silent cli -- …` exactly as operators and outside scripts do, in another process. */
export async function cli(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "cli", "--", ...args], { cwd: ROOT, env: { ...process.env, REDIS_URL: "", LOG_LEVEL: "warn", ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as CliResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Like `cli`, but fails unless the command succeeded; returns its JSON output. */
export async function cliJson<T>(env: Record<string, string>, ...args: string[]): Promise<T> {
  const result = await cli(env, ...args);
  if (result.code !== 0) throw new Error(`cli ${args.join(" ")} exited with ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
