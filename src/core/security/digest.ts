import { createHash, timingSafeEqual } from "node:crypto";

/** SHA-256 of a high-entropy secret, base64url; what is stored for secrets, tokens and codes (DESIGN "State"). */
export function secretDigest(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("base64url");
}

/** Constant-time comparison of a presented secret against a stored digest (fixed-length digests). */
export function digestMatches(presented: string, storedDigest: string): boolean {
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = Buffer.from(storedDigest, "base64url");
  return b.length === a.length && timingSafeEqual(a, b);
}
