import { createHash } from "node:crypto";
import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";

/**
 * The SHA-256 thumbprint (base64url) of the client certificate the TLS connection was made with, as in a certificate-
 * bound token's `cnf.x5t#S256` (RFC 8705 §3.1); undefined over plain TCP or without a client certificate. The TLS
 * handshake proved possession of the certificate's key; whether its chain is trusted is the listener's setting.
 */
export function peerCertificateThumbprint(socket: Socket): string | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const raw = socket.getPeerCertificate()?.raw;
  return raw ? createHash("sha256").update(raw).digest("base64url") : undefined;
}
