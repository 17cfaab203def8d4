import { createPrivateKey, X509Certificate } from "node:crypto";
import type { SecureServerOptions } from "node:http2";
import { configError, type Config } from "../../config/config.js";
import { SETTINGS } from "../../config/defaults.js";
import { loadPem } from "../../config/load-pem.js";

type PublicTlsSettings = Pick<Config, "publicTlsCert" | "publicTlsKey" | "publicTlsClientCa">;

/**
 * TLS 1.2 suites of BCP 195 (RFC 9325 §4.2): ephemeral ECDHE key exchange with an AEAD cipher only, so CBC, RSA key
 * transport and static DH fail the handshake (corpus G46); TLS 1.3's own suites are all AEAD and stay allowed.
 */
export const PUBLIC_TLS_CIPHERS = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

/**
 * Secure-server options of the public listener, or undefined to serve cleartext. TLS 1.2 minimum (RFC 9325 §3.1.1),
 * ALPN h2 then http/1.1 (RFC 9113 §3.2). `requestCert` asks for a client certificate without rejecting the handshake
 * for an unverified one (RFC 8705 §2.2 self-signed certificates must reach the app); `authorized` says whether its
 * chain verified against `PUBLIC_TLS_CLIENT_CA`. The PEM files are read once, at boot.
 */
export function publicTlsOptions(config: PublicTlsSettings, requestCert: boolean): SecureServerOptions | undefined {
  if (!config.publicTlsCert || !config.publicTlsKey) return undefined;
  const [cert, certificate] = loadPem("publicTlsCert", config.publicTlsCert, "certificate", (pem) => new X509Certificate(pem));
  const [key, privateKey] = loadPem("publicTlsKey", config.publicTlsKey, "private key", (pem) => createPrivateKey(pem));
  if (!certificate.checkPrivateKey(privateKey)) throw configError([`${SETTINGS.publicTlsKey.env}: does not match the certificate in ${SETTINGS.publicTlsCert.env}`]);
  const ca = config.publicTlsClientCa ? loadPem("publicTlsClientCa", config.publicTlsClientCa, "certificate", (pem) => new X509Certificate(pem))[0] : undefined;
  return { cert, key, ca, requestCert, rejectUnauthorized: false, minVersion: "TLSv1.2", ciphers: PUBLIC_TLS_CIPHERS, honorCipherOrder: true, ALPNProtocols: ["h2", "http/1.1"], allowHTTP1: true };
}
