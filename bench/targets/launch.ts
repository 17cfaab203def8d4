import { join } from "node:path";
import { HOST } from "../lib/settings.js";
import { tail } from "../lib/processes.js";
import { assertEs256AccessToken, waitForToken, type ClientCredentials } from "../lib/token-request.js";
import type { RunningTarget, TargetContext } from "./target.js";

export interface LaunchSpec {
  id: string;
  /** What exactly runs (e.g. the installed peer version), for the report. */
  version?: string;
  /** Arguments after `node` (and the context's node flags). */
  args: string[];
  cwd: string;
  env: Record<string, string>;
  port: number;
  client: ClientCredentials;
  grpcAddress?: string;
}

/** Starts a server pinned to the context's core, waits until it issues an ES256 JWT, and returns its handle. */
export async function launch(context: TargetContext, spec: LaunchSpec): Promise<RunningTarget> {
  const logFile = join(context.tmpDir, `${spec.id}.log`);
  const child = context.children.spawn(process.execPath, [...context.nodeFlags, ...spec.args], { cwd: spec.cwd, env: { NODE_ENV: "production", ...spec.env }, core: context.core, logFile });
  const baseUrl = `http://${HOST}:${spec.port}`;
  try {
    assertEs256AccessToken(await waitForToken(baseUrl, spec.client, child), spec.id);
  } catch (error) {
    await context.children.stop(child);
    throw new Error(`${spec.id} did not start: ${(error as Error).message}\n--- ${logFile} ---\n${tail(logFile)}`);
  }
  return {
    id: spec.id,
    pid: child.pid!,
    version: spec.version,
    baseUrl,
    client: spec.client,
    grpcAddress: spec.grpcAddress,
    logFile,
    stop: () => context.children.stop(child),
  };
}
