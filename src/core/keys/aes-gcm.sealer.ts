import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Sealer } from "./key-service.js";

const VERSION = "v1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM sealing of secrets at rest (NIST SP 800-38D): a random 96-bit IV per value, the associated data
 * authenticated but not stored. Format: `v1.` + base64url(iv ‖ tag ‖ ciphertext).
 */
export class AesGcmSealer implements Sealer {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new RangeError("AES-256-GCM needs a 32-byte key");
    this.#key = Buffer.from(key);
  }

  /** Encrypts `plaintext` bound to `associatedData` (e.g. the kid of a private key). */
  seal(plaintext: string, associatedData = ""): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return VERSION + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
  }

  /** Decrypts; throws when the value is malformed, tampered with, sealed with another key or other associated data. */
  unseal(sealed: string, associatedData = ""): string {
    const raw = sealed.startsWith(VERSION) ? Buffer.from(sealed.slice(VERSION.length), "base64url") : undefined;
    if (!raw || raw.length < IV_BYTES + TAG_BYTES) throw new Error("sealed value is malformed");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.#key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData, "utf8"));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch (cause) {
      throw new Error("sealed value failed authentication (tampered, or sealed with another key)", { cause });
    }
  }
}
