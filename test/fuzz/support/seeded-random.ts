import { createHash } from "node:crypto";
import type { RandomSource } from "../../../src/core/ports/clock.js";

/** A deterministic RandomSource (SHA-256 of a counter): the fuzzed app's ids and secrets repeat from run to run. */
export function seededRandom(seed: string): RandomSource {
  let counter = 0;
  const bytes = (count: number) => {
    const out: Buffer[] = [];
    for (let have = 0; have < count; have += 32) out.push(createHash("sha256").update(`${seed}:${counter++}`).digest());
    return Buffer.concat(out).subarray(0, count);
  };
  return { token: (count) => bytes(count).toString("base64url"), id: () => bytes(16).toString("base64url") };
}
