import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../lib/ports.js";
import { HOST, TOKEN_REQUEST } from "../lib/settings.js";
import { launch } from "./launch.js";
import type { RunningTarget, Target, TargetContext } from "./target.js";

const run = promisify(execFile);

/** Scopes of the bench client: the resource scope for the token load, portcullis:validate for gRPC callers. */
const CLIENT_SCOPE = `${TOKEN_REQUEST.scope} portcullis:validate`;

/** Runs one operator CLI command of the checkout at `root` against the bench database and parses its JSON output. */
async function cli(root: string, env: Record<string, string>, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

/**
 * Portcullis: fresh SQLite file, one client_secret_basic client and the API resource, both made with the CLI.
 * `root` runs another checkout (e.g. a worktree with a candidate change) instead of this one.
 */
export function portcullisTarget(id = "portcullis", root?: string): Target {
  return {
    id,
    description: `Portcullis (${root ? `${root}/` : ""}src/main.ts), SQLite, in-memory ephemeral state`,
    sourceRoot: root,
    start: (context) => startPortcullis(id, root ?? context.repoRoot, context),
  };
}

async function startPortcullis(id: string, root: string, context: TargetContext): Promise<RunningTarget> {
  const dbFile = join(context.tmpDir, id === "portcullis" ? "bench.db" : `bench-${id}.db`);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
  const [port, grpcPort] = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: `sqlite:${dbFile}`,
    LOG_LEVEL: "warn",
    HOST,
    PORT: String(port),
    GRPC_HOST: HOST,
    GRPC_PORT: String(grpcPort),
    METRICS_PORT: "0",
    ISSUER: `http://${HOST}:${port}`,
  };
  const registered = (await cli(root, env, ["client", "create", "--json", JSON.stringify({ client_name: "bench", grant_types: ["client_credentials"], scope: CLIENT_SCOPE })])) as {
    client_id: string;
    client_secret: string;
  };
  await cli(root, env, ["resource", "create", "--id", TOKEN_REQUEST.resource, "--scopes", TOKEN_REQUEST.scope]);
  return launch(context, {
    id,
    args: ["--import", "tsx", "src/main.ts"],
    cwd: root,
    port,
    env,
    client: { clientId: registered.client_id, clientSecret: registered.client_secret },
    grpcAddress: `${HOST}:${grpcPort}`,
  });
}
