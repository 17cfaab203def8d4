import { join } from "node:path";
import { freePort, waitForPort } from "../lib/ports.js";
import { tail } from "../lib/processes.js";
import { HOST } from "../lib/settings.js";
import type { TargetContext } from "./target.js";

/** A running gRPC floor (grpc-floor-server.ts): only an internal gRPC listener, no token endpoint. */
export interface GrpcFloor {
  id: string;
  pid: number;
  grpcAddress: string;
  stop(): Promise<void>;
}

export const GRPC_FLOOR_ID = "grpc-floor";

/** Starts the bare node:http2 unary-gRPC floor pinned to the context's core and waits until it listens. */
export async function startGrpcFloor(context: TargetContext): Promise<GrpcFloor> {
  const port = await freePort();
  const logFile = join(context.tmpDir, `${GRPC_FLOOR_ID}.log`);
  const args = [...context.nodeFlags, "--import", "tsx", "bench/targets/grpc-floor-server.ts"];
  const child = context.children.spawn(process.execPath, args, { cwd: context.repoRoot, env: { NODE_ENV: "production", GRPC_FLOOR_PORT: String(port) }, core: context.core, logFile });
  try {
    await waitForPort(port);
  } catch (error) {
    await context.children.stop(child);
    throw new Error(`${GRPC_FLOOR_ID} did not start: ${(error as Error).message}\n--- ${logFile} ---\n${tail(logFile)}`);
  }
  return { id: GRPC_FLOOR_ID, pid: child.pid!, grpcAddress: `${HOST}:${port}`, stop: () => context.children.stop(child) };
}
