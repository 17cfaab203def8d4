import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** Node flags that preload bench/targets/heap-probe.mjs, which writes the server's heap figures into $BENCH_HEAP_DIR. */
export const heapProbeFlags = (repoRoot: string) => ["--import", pathToFileURL(join(repoRoot, "bench", "targets", "heap-probe.mjs")).href];
