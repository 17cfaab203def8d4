import { randomBytes, randomFillSync } from "node:crypto";
import type { Clock, RandomSource } from "../ports/clock.js";

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

const ID_BYTES = 16;
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** A 128-bit random id from a pooled buffer: one getrandom call per 256 ids (as crypto.randomUUID pools). */
function pooledId(): string {
  if (offset + ID_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("base64url", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}

/** Cryptographic randomness from node:crypto; secrets (`token`) are never taken from the shared pool. */
export const cryptoRandom: RandomSource = {
  token: (bytes) => randomBytes(bytes).toString("base64url"),
  id: pooledId,
};
