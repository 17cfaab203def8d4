import type { TLSSocket } from "node:tls";
import { createContextKey, createContextValues, type ContextValues } from "@connectrpc/connect";

import { certificateThumbprint } from "../../core/security/certificate-thumbprint.js";

/** Thumbprint of the caller's TLS client certificate, present only when it chains to `GRPC_TLS_CLIENT_CA`. */
export const verifiedPeerThumbprint = createContextKey<string | undefined>(undefined, { description: "verified TLS client certificate thumbprint" });

/**
 * The `contextValues` of connectNodeAdapter for the internal listener (DESIGN "Listeners"). The listener does not
 * reject unverified certificates during the handshake (bearer callers need none), so only `authorized` sockets count.
 */
export function peerContextValues(req: { socket: unknown }): ContextValues {
  return createContextValues().set(verifiedPeerThumbprint, verifiedThumbprintOf(req.socket as Partial<TLSSocket>));
}

/** The thumbprint of a socket's client certificate, only when it chained to the configured CA. */
export function verifiedThumbprintOf(socket: Partial<TLSSocket>): string | undefined {
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== "function") return undefined;
  const der = socket.getPeerCertificate().raw;
  return der && der.length > 0 ? certificateThumbprint(der) : undefined;
}
