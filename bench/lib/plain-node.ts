import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import ts from "typescript";

/**
 * Transpiles a dependency-free TypeScript server (node:* imports only) into `<outDir>/<name>.mjs`, so it runs on plain
 * node: through tsx, its loader thread and transformed sources would add ~45 MiB to the floor's RSS.
 */
export function plainNodeScript(source: string, outDir: string): string {
  const { outputText } = ts.transpileModule(readFileSync(source, "utf8"), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, basename(source).replace(/\.ts$/, ".mjs"));
  writeFileSync(out, outputText);
  return out;
}
