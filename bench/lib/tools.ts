import { spawnSync } from "node:child_process";

/** The C load generators the bench prefers, and the Debian packages that install them. */
const PACKAGES = { wrk: "wrk", h2load: "nghttp2-client" } as const;
export type LoadTool = keyof typeof PACKAGES;

/** True when `tool` is on the PATH. */
export function hasTool(tool: LoadTool): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

/** What to print when a tool is missing. */
export function missingToolHint(tool: LoadTool, consequence: string): string {
  return `${tool} is not installed: ${consequence} (install it with \`apt-get install ${PACKAGES[tool]}\`)`;
}
