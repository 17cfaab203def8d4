import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The node flags of the `npm start` script of the checkout at `root` (e.g. `--conditions=portcullis-compiled` and the
 * V8 heap settings of docs/decisions.md "Performance and memory"), so the bench starts the compiled server exactly as
 * `npm start` does.
 */
export function startFlags(root: string): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  const words = (scripts?.start ?? "").split(/\s+/);
  if (words[0] !== "node") throw new Error(`${root}/package.json: the start script does not run node: ${scripts?.start}`);
  return words.slice(1).filter((word) => word.startsWith("--"));
}
