import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { OAuthRouter } from "./oauth-router.js";

export interface PublicServerOptions {
  host: string;
  port: number;
  headerLimit: number;
  requestTimeout: number;
}

/** The public listener: connect routes (none public yet) with the OAuth router as fallback (DESIGN "Listeners"). */
export async function startPublicServer(router: OAuthRouter, options: PublicServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const handler = connectNodeAdapter({ routes: () => {}, fallback: router.handle as NonNullable<Parameters<typeof connectNodeAdapter>[0]["fallback"]> });
  // The public listener is HTTP/1.1 only, so the fallback always receives IncomingMessage. Node enforces
  // requestTimeout only every connectionsCheckingInterval (30 s by default), hence the explicit interval (corpus S114).
  const server = createServer({ maxHeaderSize: options.headerLimit, requestTimeout: options.requestTimeout, headersTimeout: Math.min(options.requestTimeout, 10_000), keepAliveTimeout: 5_000, connectionsCheckingInterval: Math.max(50, Math.min(1000, options.requestTimeout / 2)) }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
