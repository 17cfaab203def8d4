import { readFileSync } from "node:fs";

/**
 * `pid` and all its live descendants (a cluster primary and its workers), from /proc/<pid>/task/<pid>/children:
 * node forks from its main thread, so the main task lists every child.
 */
export function processTree(pid: number): number[] {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    try {
      const children = readFileSync(`/proc/${pids[i]}/task/${pids[i]}/children`, "utf8").trim();
      if (children) pids.push(...children.split(" ").map(Number));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}
