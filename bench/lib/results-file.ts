import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The heading bench/RESULTS.md starts with when a writer creates it. */
const PREAMBLE = "# Bench results\n\nWritten by `npm run bench -- --write-results` and `npm run soak`; see bench/README.md.\n";

const markers = (name: string) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`] as const;

/** Replaces (or appends) the section `name` of a Markdown file, between its start and end markers. */
export function writeSection(file: string, name: string, markdown: string): void {
  const [start, end] = markers(name);
  const text = existsSync(file) ? readFileSync(file, "utf8") : PREAMBLE;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const [from, to] = [text.indexOf(start), text.indexOf(end)];
  writeFileSync(file, from !== -1 && to > from ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}` : `${text.trimEnd()}\n\n${block}\n`);
}

/** The section `name` of a Markdown text (without its markers), or undefined. */
export function readSection(text: string, name: string): string | undefined {
  const [start, end] = markers(name);
  const [from, to] = [text.indexOf(start), text.indexOf(end)];
  return from !== -1 && to > from ? text.slice(from + start.length, to).trim() : undefined;
}

/** The section of bench/RESULTS.md that README.md repeats. */
export const BENCH_SUMMARY = "bench-summary";

/** Copies the bench summary of `<root>/bench/RESULTS.md` into `<root>/README.md`'s section of the same name. */
export function syncReadme(root: string): void {
  const summary = readSection(readFileSync(join(root, "bench", "RESULTS.md"), "utf8"), BENCH_SUMMARY);
  if (summary === undefined) throw new Error(`bench/RESULTS.md has no ${BENCH_SUMMARY} section: run npm run bench -- --write-results`);
  writeSection(join(root, "README.md"), BENCH_SUMMARY, summary);
}
