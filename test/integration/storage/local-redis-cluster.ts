import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A throwaway Redis Cluster of three masters on 127.0.0.1, started from the local redis-server binary. */
export interface LocalRedisCluster {
  /** The seed-node URL, `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`. */
  url: string;
  ports: readonly number[];
  /** Kills every node (SIGKILL) and waits until they are gone; idempotent. */
  kill(): Promise<void>;
  /** Starts the killed nodes again with their cluster configuration (data is gone) and waits for `cluster_state:ok`. */
  restart(): Promise<void>;
  /** Removes the temporary directory too. */
  destroy(): Promise<void>;
}

/** Why a local cluster cannot be started here (a binary is missing), or undefined. */
export function missingRedisBinaries(): string | undefined {
  for (const binary of ["redis-server", "redis-cli"]) {
    const probe = spawnSync(binary, ["--version"], { stdio: "ignore" });
    if (probe.error || probe.status !== 0) return `${binary} is not installed: the Redis Cluster test starts a local cluster from it`;
  }
  return undefined;
}

/** Starts three cluster-enabled redis-server processes, joins them as masters and waits for `cluster_state:ok`. */
export async function startLocalRedisCluster(): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), "pc-redis-cluster-"));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.once("exit", killAll); // a crashed test run must not leave servers behind
  const cluster: LocalRedisCluster = {
    url: "",
    ports: [],
    async kill() {
      const exited = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => c.once("exit", resolve)));
      killAll();
      await Promise.all(exited);
    },
    async restart() {
      await cluster.kill();
      await startNodes(cluster.ports);
    },
    async destroy() {
      await cluster.kill();
      process.off("exit", killAll);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  /** Starts a node on each port, runs `join` once they answer, then waits until the cluster is ok on all of them. */
  const startNodes = async (ports: readonly number[], join?: () => Promise<void>) => {
    children.push(...ports.map((port) => startNode(port, dir)));
    await Promise.all(ports.map((port) => until(async () => (await cli(port, "ping")) === "PONG", `node ${port} answers`)));
    await join?.();
    await Promise.all(ports.map((port) => until(async () => (await cli(port, "cluster", "info")).includes("cluster_state:ok"), `node ${port} cluster_state:ok`)));
  };
  try {
    const ports = await freeClusterPorts(3);
    await startNodes(ports, async () => {
      await run("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], { timeout: 20_000 });
    });
    return Object.assign(cluster, { ports, url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(",")}` });
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
}

function startNode(port: number, dir: string): ChildProcess {
  const args = ["--port", String(port), "--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${port}.conf`), "--dir", dir];
  args.push("--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--daemonize", "no");
  const child = spawn("redis-server", args, { stdio: "ignore" });
  child.on("error", () => {}); // surfaces as the node never answering
  return child;
}

/** `redis-cli -p port …`, trimmed; "" when the node does not answer. */
async function cli(port: number, ...command: string[]): Promise<string> {
  try {
    return (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...command], { timeout: 2000 })).stdout.trim();
  } catch {
    return "";
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`local Redis Cluster: timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `count` distinct ports ≤ 55000 whose cluster-bus port (port + 10000) is free too. */
async function freeClusterPorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if (ports.some((p) => p === port || Math.abs(p - port) === 10_000) || !(await isFree(port)) || !(await isFree(port + 10_000))) continue;
    ports.push(port);
  }
  return ports;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
