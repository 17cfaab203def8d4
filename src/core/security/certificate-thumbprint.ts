import { createHash } from "node:crypto";

/** RFC 8705 §3.1 `x5t#S256` of a certificate: base64url (unpadded) SHA-256 over its DER encoding. */
export function certificateThumbprint(der: Uint8Array): string {
  return createHash("sha256").update(der).digest("base64url");
}
