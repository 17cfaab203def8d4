import { createConnectRouter, type ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { pathOf, type PublicHandler } from "./server-request.js";

/** The Connect services of the public listener: none yet; a public service registers here in one line (DESIGN "Listeners"). */
export function publicRoutes(_router: ConnectRouter): void {}

/**
 * The public listener's handler: the RPC paths of `routes`' Connect services to the Connect adapter, every other path
 * straight to the OAuth router (decisions.md "Connect sees only its own paths"); with no service, only the router.
 */
export function publicHandler(oauthRouter: PublicHandler, routes: (router: ConnectRouter) => void = publicRoutes): PublicHandler {
  const declared = createConnectRouter();
  routes(declared);
  const rpcPaths = new Set(declared.handlers.map((handler) => handler.requestPath));
  if (rpcPaths.size === 0) return oauthRouter;
  // connect-node types its responses with a slightly different `write` signature than node:http2 does; same objects.
  const connect = connectNodeAdapter({ routes }) as PublicHandler;
  return (req, res) => (rpcPaths.has(pathOf(req.url ?? "/")) ? connect(req, res) : oauthRouter(req, res));
}
