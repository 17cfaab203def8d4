import { createPrivateKey, X509Certificate } from "node:crypto";
import type { SecureServerOptions } from "node:http2";
import { configError, type Config } from "../../config/config.js";
import { SETTINGS } from "../../config/defaults.js";
import { loadPem } from "../../config/load-pem.js";

type TlsSettings = Pick<Config, "grpcTlsCert" | "grpcTlsKey" | "grpcTlsClientCa">;

/**
 * Secure-server options of the internal listener, or undefined to serve h2c (DESIGN "Listeners"). The PEM files are
 * read once, at boot; an unreadable or unparsable file is a ConfigError naming its setting. With `GRPC_TLS_CLIENT_CA`
 * the listener requests client certificates (RFC 8705 §2) but does not reject the handshake without one: bearer
 * callers need none, and the caller-auth interceptor accepts only certificates that chained to that CA.
 */
export function internalTlsOptions(config: TlsSettings): SecureServerOptions | undefined {
  if (!config.grpcTlsCert || !config.grpcTlsKey) return undefined;
  const [cert, certificate] = loadPem("grpcTlsCert", config.grpcTlsCert, "certificate", (pem) => new X509Certificate(pem));
  const [key, privateKey] = loadPem("grpcTlsKey", config.grpcTlsKey, "private key", (pem) => createPrivateKey(pem));
  if (!certificate.checkPrivateKey(privateKey)) throw configError([`${SETTINGS.grpcTlsKey.env}: does not match the certificate in ${SETTINGS.grpcTlsCert.env}`]);
  const ca = config.grpcTlsClientCa ? loadPem("grpcTlsClientCa", config.grpcTlsClientCa, "certificate", (pem) => new X509Certificate(pem))[0] : undefined;
  return { cert, key, ca, requestCert: ca !== undefined, rejectUnauthorized: false, minVersion: "TLSv1.2", ALPNProtocols: ["h2"] };
}
