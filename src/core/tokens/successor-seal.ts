import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Seals a rotated refresh token's successor with a key derived from the predecessor's own value, so only a
 * holder of the old token can recover the successor during the grace window (RFC 9700 §4.14.2, DESIGN "State").
 */
function keyFor(predecessor: string, predecessorId: string): Buffer {
  return Buffer.from(hkdfSync("sha256", predecessor, predecessorId, "portcullis refresh successor", 32));
}

export function sealSuccessor(successor: string, predecessor: string, predecessorId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(predecessor, predecessorId), iv);
  const body = Buffer.concat([cipher.update(successor, "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

/** The successor, or undefined when the seal does not open with this predecessor. */
export function openSuccessor(sealed: string, predecessor: string, predecessorId: string): string | undefined {
  const [iv, tag, body] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
  if (!iv || !tag || !body) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(predecessor, predecessorId), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}
