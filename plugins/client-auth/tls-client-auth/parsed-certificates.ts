import { X509Certificate } from "node:crypto";
import { OAuthErrors } from "portcullis/plugin-sdk";

/** Most certificates kept parsed. */
const MAX_ENTRIES = 1000;

/**
 * Client certificates parsed once, by SHA-256 thumbprint (RFC 8705 §3.1 `x5t#S256`): parsing costs about a hundred
 * times the hash, and a client presents the same certificate on every request. Bounded; the oldest entry goes first.
 */
export class ParsedCertificates {
  private readonly entries = new Map<string, X509Certificate>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /** The certificate with this thumbprint, parsed from `der` on a miss; invalid_client when the DER does not parse. */
  get(thumbprint: string, der: Buffer): X509Certificate {
    const cached = this.entries.get(thumbprint);
    if (cached) return cached;
    const parsed = parse(der);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(thumbprint, parsed);
    return parsed;
  }
}

function parse(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw OAuthErrors.invalidClient("the client certificate cannot be parsed");
  }
}
