// Preloaded into every bench server (`node --import <this file>`): every 500 ms it writes the process's
// process.memoryUsage() as JSON to $BENCH_HEAP_DIR/<pid>.json, so the bench can read heap figures of any target
// (Portcullis, the peer, the floors) alongside VmRSS. Plain JavaScript, so it also loads where tsx is not installed.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.BENCH_HEAP_DIR;
if (dir) {
  const file = join(dir, `${process.pid}.json`);
  setInterval(() => writeFileSync(file, JSON.stringify(process.memoryUsage())), 500).unref();
}
