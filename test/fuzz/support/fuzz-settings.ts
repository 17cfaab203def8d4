import fc from "fast-check";

/** The seed of the bounded run in `npm test`: fixed, so a failure there reproduces exactly. */
const BOUNDED_SEED = 20261205;

/** FUZZ_PATH replays one counterexample: one run, too few for a coverage check ("some requests still succeed"). */
export const replaying = process.env.FUZZ_PATH !== undefined;

/**
 * Runs `property` with the fuzz settings and prints how to reproduce it: under `npm test` a fixed seed and `boundedRuns`;
 * with FUZZ_RUNS (`npm run fuzz`) that many runs and FUZZ_SEED or a random seed; FUZZ_PATH replays one shrunk counterexample.
 */
export async function runFuzz<T>(name: string, property: fc.IAsyncPropertyWithHooks<T>, boundedRuns: number): Promise<void> {
  const long = process.env.FUZZ_RUNS !== undefined;
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : long ? Math.floor(Math.random() * 2 ** 31) : BOUNDED_SEED;
  const numRuns = long ? Number(process.env.FUZZ_RUNS) : boundedRuns;
  const path = process.env.FUZZ_PATH;
  console.log(`# fuzz ${name}: seed=${seed} runs=${numRuns}${path ? ` path=${path}` : ""} (reproduce: FUZZ_SEED=${seed} FUZZ_RUNS=${numRuns} npm run fuzz)`);
  await fc.assert(property, { seed, numRuns, path, includeErrorInReport: true });
}
