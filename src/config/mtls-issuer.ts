import type { Config } from "./config.js";

type MtlsSettings = Pick<Config, "issuer" | "mtlsIssuerOrigin" | "publicMtlsPort" | "publicTlsRequestCert" | "mtlsProxyHeader">;

/**
 * The issuer URL as clients reach it for mTLS (RFC 8705 §5 `mtls_endpoint_aliases`): `MTLS_ISSUER_ORIGIN`, else the
 * issuer's host on `PUBLIC_MTLS_PORT`, else the issuer itself when its own listener or proxy takes client certificates;
 * undefined when nothing does.
 */
export function mtlsIssuer(config: MtlsSettings): string | undefined {
  const issuer = new URL(config.issuer);
  const path = issuer.pathname.replace(/\/$/, "");
  if (config.mtlsIssuerOrigin) return config.mtlsIssuerOrigin + path;
  if (config.publicMtlsPort !== undefined) {
    issuer.protocol = "https:";
    issuer.port = String(config.publicMtlsPort);
    return issuer.origin + path;
  }
  return config.publicTlsRequestCert || config.mtlsProxyHeader ? config.issuer : undefined;
}
