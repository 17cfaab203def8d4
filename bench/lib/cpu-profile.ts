import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A time window in microseconds of the monotonic clock (process.hrtime), which V8 profiles also use. */
export interface Window {
  label: string;
  startUs: number;
  endUs: number;
}

/** "src/core/x.ts:fn" for project code, "pkg:fn" for a dependency, "node:internal/…" for Node, "(gc)" etc. for V8. */
function frameKey(frame: ProfileNode["callFrame"], repoRoot: string): { key: string; ours: boolean } {
  const name = frame.functionName || "(anonymous)";
  if (!frame.url) return { key: name, ours: false };
  const url = frame.url.replace(/^file:\/\//, "");
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + 14).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return { key: `${pkg}:${name}`, ours: false };
  }
  if (url.startsWith(repoRoot)) return { key: `${url.slice(repoRoot.length + 1)}:${name}:${frame.lineNumber + 1}`, ours: true };
  return { key: `${url}:${name}`, ours: false };
}

const pct = (part: number, total: number) => `${((100 * part) / total).toFixed(1).padStart(5)} %`;

/** Self and inclusive time per function over the samples inside any of `ranges` (all samples when empty). */
function analyse(profile: CpuProfile, repoRoot: string, ranges: Window[]) {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const ours = new Set<string>();
  let total = 0;
  let busy = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (ranges.length > 0 && !ranges.some((r) => t >= r.startUs && t < r.endUs)) continue;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    total += delta;
    const leaf = byId.get(profile.samples[i]!)!;
    const leafKey = frameKey(leaf.callFrame, repoRoot).key;
    self.set(leafKey, (self.get(leafKey) ?? 0) + delta);
    if (leafKey !== "(idle)") busy += delta;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const { key, ours: isOurs } = frameKey(byId.get(id)!.callFrame, repoRoot);
      if (seen.has(key)) continue;
      seen.add(key);
      if (isOurs) ours.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
  }
  return { self, inclusive, ours, total, busy };
}

function top(map: Map<string, number>, count: number, filter: (key: string) => boolean = () => true): [string, number][] {
  return [...map].filter(([key]) => filter(key)).sort((a, b) => b[1] - a[1]).slice(0, count);
}

/** A text summary of every .cpuprofile in `dir`: one section per window label (windows with one label are merged). */
export function summarizeProfiles(dir: string, repoRoot: string, windows: Window[] = []): string {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort();
  const labels = [...new Set(windows.map((w) => w.label))];
  const out: string[] = [];
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    for (const label of labels.length ? labels : [undefined]) {
      const { self, inclusive, ours, total, busy } = analyse(profile, repoRoot, windows.filter((w) => w.label === label));
      if (busy === 0) continue;
      out.push(`CPU profile ${file}${label ? ` — ${label}` : ""}: ${(total / 1e6).toFixed(1)} s sampled, ${pct(busy, total).trim()} busy`);
      out.push("  top self time (share of busy time):");
      for (const [key, us] of top(self, 25, (k) => k !== "(idle)")) out.push(`    ${pct(us, busy)}  ${key}`);
      out.push("  project code, inclusive time (share of busy time):");
      for (const [key, us] of top(inclusive, 30, (k) => ours.has(k))) out.push(`    ${pct(us, busy)}  ${key}`);
    }
  }
  return out.join("\n") || `no .cpuprofile in ${dir}`;
}
