import { isIP } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Config } from "../../config/config.js";
import type { PresentedCertificate } from "../../plugin-sdk/request.js";
import { proxyCertificateDer } from "./proxy-certificate.js";
import type { ServerRequest } from "./server-request.js";

/** Reads the client certificate of a request (RFC 8705 §2), given its lower-cased headers. */
export type ClientCertificateSource = (req: ServerRequest, headers: Readonly<Record<string, string | string[] | undefined>>) => PresentedCertificate | undefined;

type CertificateSettings = Pick<Config, "publicTlsClientCa" | "mtlsProxyHeader" | "mtlsProxyVerifyHeader" | "mtlsTrustedProxies">;

/** The nginx `$ssl_client_verify` value of a certificate whose chain verified. */
const VERIFIED = "SUCCESS";

/**
 * Where client certificates come from (DESIGN "Listeners"): the TLS socket, whose chain counts as verified only when it
 * chained to `PUBLIC_TLS_CLIENT_CA`; or, when configured, `MTLS_PROXY_HEADER` — read only on connections from
 * `MTLS_TRUSTED_PROXIES` (for them it is the only source), ignored from anyone else (corpus #31, RFC 9700 §4.13).
 */
export function clientCertificateSource(config: CertificateSettings): ClientCertificateSource {
  const verifiesChains = config.publicTlsClientCa !== undefined;
  const fromSocket = (req: ServerRequest) => socketCertificate(req, verifiesChains);
  const header = config.mtlsProxyHeader;
  if (header === undefined) return fromSocket;
  const proxies = config.mtlsTrustedProxies;
  const verifyHeader = config.mtlsProxyVerifyHeader;
  return (req, headers) => {
    const remote = req.socket.remoteAddress ?? "";
    if (isIP(remote) === 0 || !proxies.check(remote, isIP(remote) === 6 ? "ipv6" : "ipv4")) return fromSocket(req);
    const value = headers[header];
    if (value === undefined || value === "") return undefined;
    return { der: proxyCertificateDer(value), chainVerified: verifyHeader !== undefined && headers[verifyHeader] === VERIFIED };
  };
}

/** The certificate a TLS client presented: possession is proven by the handshake, the chain only when `authorized`. */
export function socketCertificate(req: ServerRequest, verifiesChains: boolean): PresentedCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || typeof socket.getPeerCertificate !== "function") return undefined;
  const raw = socket.getPeerCertificate().raw;
  return raw && raw.length > 0 ? { der: raw, chainVerified: verifiesChains && socket.authorized === true } : undefined;
}
