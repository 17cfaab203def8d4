import { exitOf, type Children } from "../lib/processes.js";
import type { LoadResult } from "./load-result.js";

/** Runs a load script (bench/load/*.ts) in its own process pinned to `core`; resolves with its result line. */
export async function spawnLoad(children: Children, options: { repoRoot: string; script: string; core: number; args: unknown; timeoutMs: number }): Promise<LoadResult> {
  const child = children.spawn(process.execPath, ["--import", "tsx", options.script, JSON.stringify(options.args)], { cwd: options.repoRoot, core: options.core });
  let stdout = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const timer = setTimeout(() => void children.stop(child, 1_000), options.timeoutMs);
  try {
    const code = await exitOf(child);
    if (code !== 0) throw new Error(`${options.script} exited with ${code}`);
  } finally {
    clearTimeout(timer);
  }
  const line = stdout.trim().split("\n").pop();
  if (!line) throw new Error(`${options.script} printed no result`);
  return JSON.parse(line) as LoadResult;
}
