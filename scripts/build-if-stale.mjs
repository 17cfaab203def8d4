// `npm start`'s prestart: compiles src/, plugins/ and gen/ into dist/ (tsconfig.build.json) when dist/ is missing or
// older than any source or build setting, so `npm start` never runs stale JavaScript after an edit or a `git pull`.
// Plain JavaScript: it runs before anything is compiled. `npm ci` builds through the `prepare` script.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist", ".tsbuildinfo");
const INPUTS = ["src", "plugins", "gen", "tsconfig.json", "tsconfig.build.json", "package.json"];

/** Newest modification time (ms) of a file or of the files under a folder. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const builtAt = (() => {
  try {
    return statSync(stamp).mtimeMs;
  } catch {
    return -1;
  }
})();
if (INPUTS.some((input) => newest(join(root, input)) > builtAt)) {
  process.stderr.write("portcullis: compiling into dist/ (sources changed since the last build)\n");
  const tsc = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
