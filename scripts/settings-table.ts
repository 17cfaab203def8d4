/** Prints the README configuration table from src/config/defaults.ts, so docs never drift from the schema. */
import { SETTINGS } from "../src/config/defaults.js";

/** The Markdown table of every setting. */
export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map((s) => `| \`${s.env}\` | ${s.default === undefined ? "—" : s.default === "" ? "(empty)" : `\`${s.default}\``} | ${s.description} |`);
  return ["| Variable | Default | Meaning |", "|---|---|---|", ...rows].join("\n") + "\n";
}

if (process.argv[1]?.endsWith("settings-table.ts")) process.stdout.write(settingsTable());
