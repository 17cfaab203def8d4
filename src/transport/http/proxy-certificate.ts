import { X509Certificate } from "node:crypto";
import { OAuthErrors } from "../../plugin-sdk/errors.js";

/**
 * The DER of a client certificate a trusted TLS-terminating proxy forwarded in a header: URL-encoded PEM (nginx
 * `$ssl_client_escaped_cert`), or base64 DER, bare or as an RFC 9440 §2.2 byte sequence (`:…:`). Anything that is not
 * one certificate is the proxy's (or its configuration's) fault, reported as invalid_request (RFC 6749 §5.2).
 */
export function proxyCertificateDer(value: string | readonly string[]): Buffer {
  if (typeof value !== "string") throw malformed();
  const trimmed = value.trim();
  try {
    const decoded = trimmed.includes("%") ? decodeURIComponent(trimmed) : trimmed;
    if (decoded.startsWith("-----BEGIN")) return new X509Certificate(decoded).raw;
    const base64 = decoded.replace(/^:(.*):$/, "$1");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error("not base64");
    return new X509Certificate(Buffer.from(base64, "base64")).raw;
  } catch {
    throw malformed();
  }
}

const malformed = () => OAuthErrors.invalidRequest("the client certificate forwarded by the proxy is malformed");
