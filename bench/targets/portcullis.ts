import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../lib/ports.js";
import { HOST, TOKEN_REQUEST } from "../lib/settings.js";
import { launch } from "./launch.js";
import type { Target, TargetContext } from "./target.js";

const run = promisify(execFile);

/** Scopes of the bench client: the resource scope for the token load, portcullis:validate for gRPC callers. */
const CLIENT_SCOPE = `${TOKEN_REQUEST.scope} portcullis:validate`;

/** Runs one operator CLI command against the bench database and parses its JSON output. */
async function cli(context: TargetContext, env: Record<string, string>, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: context.repoRoot,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

/** Portcullis itself: fresh SQLite file, one client_secret_basic client and the API resource, both made with the CLI. */
export const portcullisTarget: Target = {
  id: "portcullis",
  description: "Portcullis (src/main.ts), SQLite, in-memory ephemeral state",
  async start(context) {
    const dbFile = join(context.tmpDir, "bench.db");
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
    const [port, grpcPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: `sqlite:${dbFile}`,
      LOG_LEVEL: "warn",
      HOST,
      PORT: String(port),
      GRPC_HOST: HOST,
      GRPC_PORT: String(grpcPort),
      ISSUER: `http://${HOST}:${port}`,
    };
    const registered = (await cli(context, env, ["client", "create", "--json", JSON.stringify({ client_name: "bench", grant_types: ["client_credentials"], scope: CLIENT_SCOPE })])) as {
      client_id: string;
      client_secret: string;
    };
    await cli(context, env, ["resource", "create", "--id", TOKEN_REQUEST.resource, "--scopes", TOKEN_REQUEST.scope]);
    return launch(context, {
      id: "portcullis",
      args: [...context.nodeFlags, "--import", "tsx", "src/main.ts"],
      cwd: context.repoRoot,
      port,
      env,
      client: { clientId: registered.client_id, clientSecret: registered.client_secret },
      grpcAddress: `${HOST}:${grpcPort}`,
    });
  },
};
