import type { Config } from "../../config/config.js";
import { mtlsIssuer } from "../../config/mtls-issuer.js";
import type { OAuthRouter } from "./oauth-router.js";
import { publicHandler } from "./public-routes.js";
import { startPublicServer } from "./public-server.js";
import { publicTlsOptions } from "./public-tls-options.js";

type ListenerSettings = Pick<Config, "host" | "port" | "headerLimit" | "requestTimeout" | "issuer" | "publicTlsCert" | "publicTlsKey" | "publicTlsClientCa" | "publicTlsRequestCert" | "publicMtlsPort" | "mtlsIssuerOrigin" | "mtlsProxyHeader">;

export interface PublicListeners {
  url: string;
  bound: string;
  /** The mTLS listener's URL when `PUBLIC_MTLS_PORT` is set. */
  mtlsUrl?: string;
  close(): Promise<void>;
}

/**
 * Starts the public listener and, with `PUBLIC_MTLS_PORT`, the mTLS one beside it (RFC 8705 §5): same host, certificate
 * and routes, but it asks for client certificates, and its requests carry the mTLS origin (DPoP `htu`, endpoint URLs).
 */
export async function startPublicListeners(router: OAuthRouter, config: ListenerSettings): Promise<PublicListeners> {
  const limits = { host: config.host, headerLimit: config.headerLimit, requestTimeout: config.requestTimeout };
  const main = await startPublicServer(publicHandler(router.handle), { ...limits, port: config.port, tls: publicTlsOptions(config, config.publicTlsRequestCert) });
  const mtlsOrigin = mtlsIssuer(config);
  if (config.publicMtlsPort === undefined || mtlsOrigin === undefined) return main;
  const mtls = await startPublicServer(publicHandler(router.handlerAt(new URL(mtlsOrigin).origin)), { ...limits, port: config.publicMtlsPort, tls: publicTlsOptions(config, true) }).catch(async (error: unknown) => {
    await main.close();
    throw error;
  });
  return { url: main.url, bound: main.bound, mtlsUrl: mtls.url, close: async () => void (await Promise.all([main.close(), mtls.close()])) };
}
