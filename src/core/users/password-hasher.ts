import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { N: n, r, p, maxmem: 128 * n * r * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * A hash of a discarded random password, with the same parameters as hashPassword: verifying against it costs what a
 * real check costs, so an unknown user's login takes as long as a known one's (no account enumeration by timing).
 */
export const DUMMY_PASSWORD_HASH = "scrypt$32768$8$1$S4xwIvN3_rBKScuYevUxMQ$gsew8sgYEsFBH4ORTRYiMvcjmbesl8ack2Bs3PZr2-s";

/** Hashes a user password with scrypt into a self-describing string `scrypt$N$r$p$salt$hash` (passwords only, never client secrets). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ["scrypt", N, R, P, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Verifies a password against a stored hash in constant time; false for malformed hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
