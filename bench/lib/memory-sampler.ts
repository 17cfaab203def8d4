import { readFileSync } from "node:fs";
import { join } from "node:path";
import { rssMiB } from "./processes.js";

/** The heap figures bench/targets/heap-probe.mjs writes for a server (MiB), when it runs with the probe. */
export function heapMiB(heapDir: string, pid: number): { heapUsedMiB: number; heapTotalMiB: number } | undefined {
  try {
    const usage = JSON.parse(readFileSync(join(heapDir, `${pid}.json`), "utf8")) as NodeJS.MemoryUsage;
    return { heapUsedMiB: usage.heapUsed / 2 ** 20, heapTotalMiB: usage.heapTotal / 2 ** 20 };
  } catch {
    return undefined;
  }
}

/** The peaks of a server's RSS and heap while a load runs. */
export interface MemoryPeaks {
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
}

/** Samples a server's VmRSS and heap every `everyMs` until the returned function is called; it returns the peaks. */
export function sampleMemory(pid: number, heapDir: string, everyMs = 1_000): () => MemoryPeaks {
  const peaks: MemoryPeaks = { rssMiB: 0, heapUsedMiB: Number.NaN, heapTotalMiB: Number.NaN };
  const take = () => {
    peaks.rssMiB = Math.max(peaks.rssMiB, rssMiB(pid));
    const heap = heapMiB(heapDir, pid);
    if (heap) {
      peaks.heapUsedMiB = Math.max(heap.heapUsedMiB, Number.isNaN(peaks.heapUsedMiB) ? 0 : peaks.heapUsedMiB);
      peaks.heapTotalMiB = Math.max(heap.heapTotalMiB, Number.isNaN(peaks.heapTotalMiB) ? 0 : peaks.heapTotalMiB);
    }
  };
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    take();
    return peaks;
  };
}
