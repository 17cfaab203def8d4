import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { PublicHandler } from "./server-request.js";

/** The Connect services of the public listener: none yet; a public service registers here in one line (DESIGN "Listeners"). */
export function publicRoutes(_router: ConnectRouter): void {}

/** The public listener's handler: Connect services by their RPC paths, every other path to the OAuth router untouched. */
export function publicHandler(oauthRouter: PublicHandler): PublicHandler {
  // connect-node types its responses with a slightly different `write` signature than node:http2 does; same objects.
  return connectNodeAdapter({ routes: publicRoutes, fallback: oauthRouter as never }) as PublicHandler;
}
