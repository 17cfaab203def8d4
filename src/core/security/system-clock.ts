import { randomBytes } from "node:crypto";
import type { Clock, RandomSource } from "../ports/clock.js";

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Cryptographic randomness from node:crypto. */
export const cryptoRandom: RandomSource = {
  token: (bytes) => randomBytes(bytes).toString("base64url"),
  id: () => randomBytes(16).toString("base64url"),
};
