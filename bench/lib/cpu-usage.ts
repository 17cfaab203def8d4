import { readFileSync } from "node:fs";
import { processTree } from "./process-tree.js";

/** USER_HZ: the unit of /proc CPU times on Linux. */
const TICKS_PER_SECOND = 100;

/** CPU counters at one instant. */
export interface CpuSnapshot {
  wallMs: number;
  /** Server CPU (s): the process and its descendants (cluster workers). */
  server: number;
  /** This process's CPU (s). */
  self: number;
  /** Per core: busy and total ticks from /proc/stat. */
  cores: { busy: number; total: number }[];
}

/** Where the CPU went during a run, in % of one core. */
export interface CpuUsage {
  server: number;
  load: number;
  /** Everything else on the server's core and on the load's core (other processes on a shared machine); should be ~0. */
  otherOnServerCore: number;
  otherOnLoadCore: number;
}

function processSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds of `pid` and its live descendants (one that ends meanwhile counts as nothing). */
function treeSeconds(pid: number): number {
  let total = processSeconds(pid);
  for (const child of processTree(pid).slice(1)) {
    try {
      total += processSeconds(child);
    } catch {
      // ended meanwhile
    }
  }
  return total;
}

/** Busy and total ticks of every core, from /proc/stat. */
export function coreTicks(): CpuSnapshot["cores"] {
  const cores: CpuSnapshot["cores"] = [];
  for (const line of readFileSync("/proc/stat", "utf8").split("\n")) {
    const match = /^cpu(\d+) (.*)$/.exec(line);
    if (!match) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = match[2]!.trim().split(/\s+/).map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    cores[Number(match[1])] = { busy, total: busy + idle! + iowait! };
  }
  return cores;
}

export function cpuSnapshot(serverPid: number): CpuSnapshot {
  const self = process.cpuUsage();
  return { wallMs: performance.now(), server: treeSeconds(serverPid), self: (self.user + self.system) / 1e6, cores: coreTicks() };
}

/**
 * CPU use between two snapshots; the server is pinned to `serverCore` (a multi-process server may also use
 * `loadCore`: what it uses beyond one core is its own, not another process's), this process to `loadCore`.
 */
export function cpuUsage(start: CpuSnapshot, end: CpuSnapshot, serverCore: number, loadCore: number): CpuUsage {
  const seconds = (end.wallMs - start.wallMs) / 1000;
  const pct = (cpuSeconds: number) => (100 * cpuSeconds) / seconds;
  const coreBusy = (core: number) => {
    const [a, b] = [start.cores[core]!, end.cores[core]!];
    return (100 * (b.busy - a.busy)) / Math.max(1, b.total - a.total);
  };
  const server = pct(end.server - start.server);
  const load = pct(end.self - start.self);
  return { server, load, otherOnServerCore: Math.max(0, coreBusy(serverCore) - server), otherOnLoadCore: Math.max(0, coreBusy(loadCore) - load - Math.max(0, server - coreBusy(serverCore))) };
}
