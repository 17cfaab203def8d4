import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { OAuthRouter } from "./oauth-router.js";

export interface PublicServerOptions {
  host: string;
  port: number;
  headerLimit: number;
  requestTimeout: number;
}

/** The public listener: the OAuth router on node:http with header, body and time limits (DESIGN "Listeners"). */
/** `url` is where a local client connects (the loopback address for a wildcard bind); `bound` is the address as bound. */
export async function startPublicServer(router: OAuthRouter, options: PublicServerOptions): Promise<{ server: Server; url: string; bound: string; close(): Promise<void> }> {
  // No Connect service is public yet, so the OAuth router is the whole handler (the Connect adapter cost ~3 µs per
  // request for nothing); a public service would be served as connectNodeAdapter({ routes, fallback: router.handle }).
  // Node enforces requestTimeout only every connectionsCheckingInterval (30 s by default), hence the explicit interval (corpus S114).
  const server = createServer({ maxHeaderSize: options.headerLimit, requestTimeout: options.requestTimeout, headersTimeout: Math.min(options.requestTimeout, 10_000), keepAliveTimeout: 5_000, connectionsCheckingInterval: Math.max(50, Math.min(1000, options.requestTimeout / 2)) }, router.handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const loopback = host === "0.0.0.0" ? "127.0.0.1" : host === "[::]" ? "[::1]" : host;
  return {
    server,
    url: `http://${loopback}:${address.port}`,
    bound: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
