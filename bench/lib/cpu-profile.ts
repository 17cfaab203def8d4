import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A load window in µs of the monotonic clock (process.hrtime), which V8 profiles also use, and the requests served in it. */
export interface Window {
  label: string;
  startUs: number;
  endUs: number;
  requests: number;
}

interface Frame {
  /** "src/core/x.ts:fn" for project code, "pkg:fn" for a dependency, "node:internal/…:fn" for Node, "(garbage collector)" etc. */
  key: string;
  /** Coarser grouping for the by-area table. */
  area: string;
  ours: boolean;
}

function classify(frame: ProfileNode["callFrame"], repoRoot: string): Frame {
  const name = frame.functionName || "(anonymous)";
  const url = frame.url.replace(/^file:\/\//, "");
  if (!url) return { key: name, area: name.startsWith("(") ? name : `native ${name}`, ours: false };
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + 14).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return { key: `${pkg}:${name}`, area: pkg, ours: false };
  }
  if (url.startsWith(`${repoRoot}/`)) {
    const file = url.slice(repoRoot.length + 1);
    return { key: `${file}:${name}`, area: file.split("/").slice(0, file.startsWith("plugins/") ? 2 : 3).join("/"), ours: true };
  }
  const nodeArea = /^node:(?:internal\/)?(crypto|http2|_http|http|streams|stream|net|events|abort_controller|per_context|process|encoding)/.exec(url)?.[1];
  return { key: `${url}:${name}`, area: nodeArea ? `node:${nodeArea.replace(/^_/, "")}` : "node:other", ours: false };
}

const pct = (part: number, total: number) => `${((100 * part) / total).toFixed(1).padStart(5)} %`;

/** Self time per function and per area, and inclusive time per project function, over the samples inside `ranges`. */
function analyse(profile: CpuProfile, repoRoot: string, ranges: Window[]) {
  const parent = new Map<number, number>();
  const frames = new Map<number, Frame>();
  for (const node of profile.nodes) {
    frames.set(node.id, classify(node.callFrame, repoRoot));
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let busy = 0;
  let t = profile.startTime;
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (ranges.length > 0 && !ranges.some((r) => t >= r.startUs && t < r.endUs)) continue;
    const us = profile.timeDeltas[i + 1] ?? 0;
    total += us;
    const leaf = frames.get(profile.samples[i]!)!;
    if (leaf.key === "(idle)") continue;
    busy += us;
    add(self, leaf.key, us);
    add(areas, leaf.area, us);
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const frame = frames.get(id)!;
      if (!frame.ours || seen.has(frame.key)) continue;
      seen.add(frame.key);
      add(inclusive, frame.key, us);
    }
  }
  return { self, areas, inclusive, total, busy };
}

function top(map: Map<string, number>, count: number): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
}

/**
 * A text summary of the .cpuprofile files in `dir`, one section per window label (windows with one label are
 * merged): self time by area and by function, and inclusive time of project functions, each as a share of the
 * busy time and in µs per request. Inclusive time across `await` is approximate (V8 attributes a resumed async
 * function to the microtask queue).
 */
export function summarizeProfiles(dir: string, repoRoot: string, windows: Window[]): string {
  if (!existsSync(dir)) return `no profiles in ${dir}`;
  const out: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort()) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    for (const label of new Set(windows.map((w) => w.label))) {
      const ranges = windows.filter((w) => w.label === label);
      const requests = ranges.reduce((sum, w) => sum + w.requests, 0);
      const { self, areas, inclusive, total, busy } = analyse(profile, repoRoot, ranges);
      if (busy < 0.05 * total) continue; // another thread of the process (e.g. a loader worker)
      const line = (us: number, key: string) => `    ${pct(us, busy)}  ${(us / requests).toFixed(1).padStart(6)} µs/req  ${key}`;
      out.push(`CPU profile ${label} (${file}): ${(total / 1e6).toFixed(1)} s sampled, ${pct(busy, total).trim()} busy, ${requests} requests, ${(busy / requests).toFixed(1)} µs CPU per request`);
      out.push("  self time by area:");
      for (const [key, us] of top(areas, 16)) out.push(line(us, key));
      out.push("  self time by function:");
      for (const [key, us] of top(self, 25)) out.push(line(us, key));
      if (inclusive.size > 0) {
        out.push("  project functions, inclusive:");
        for (const [key, us] of top(inclusive, 25)) out.push(line(us, key));
      }
      out.push("");
    }
  }
  return out.join("\n") || `no busy profile in ${dir}`;
}
