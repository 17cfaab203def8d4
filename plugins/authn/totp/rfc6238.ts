import { createHmac } from "node:crypto";

/** The time step of a TOTP code (RFC 6238 §4.1 X, the recommended 30 seconds), in ms. */
export const TOTP_STEP_MS = 30_000;

/** HOTP value of `counter` with HMAC-SHA1 and dynamic truncation, zero-padded to `digits` (RFC 4226 §5.3). */
export function hotp(secret: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The RFC 6238 §4.2 time step T of an instant (epoch ms), with T0 = 0. */
export function timeStep(epochMs: number): number {
  return Math.floor(epochMs / TOTP_STEP_MS);
}
