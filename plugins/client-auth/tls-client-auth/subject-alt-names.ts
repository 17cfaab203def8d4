import type { X509Certificate } from "node:crypto";

/** One subjectAltName entry as node names its type (`DNS`, `URI`, `email`, `IP Address`, …). */
interface AltName {
  type: string;
  value: string;
}

/** `type:value` entries separated by ", "; node quotes a value with special characters as a JSON string. */
const ENTRY = /([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/y;

/** The certificate's subjectAltName entries (RFC 5280 §4.2.1.6); parsing stops at anything unexpected. */
function altNames(certificate: X509Certificate): AltName[] {
  const text = certificate.subjectAltName ?? "";
  const entries: AltName[] = [];
  ENTRY.lastIndex = 0;
  while (ENTRY.lastIndex < text.length) {
    const match = ENTRY.exec(text);
    if (!match) break;
    const [, type, raw] = match as unknown as [string, string, string];
    entries.push({ type, value: raw.startsWith('"') ? (JSON.parse(raw) as string) : raw });
  }
  return entries;
}

function hasEntry(certificate: X509Certificate, type: string, matches: (value: string) => boolean): boolean {
  return altNames(certificate).some((entry) => entry.type === type && matches(entry.value));
}

/** A dNSName entry equal to `name`, case-insensitively (DNS names are); no wildcard expansion (RFC 8705 §2.1.2). */
export function dnsNameMatches(certificate: X509Certificate, name: string): boolean {
  return hasEntry(certificate, "DNS", (value) => value.toLowerCase() === name.toLowerCase());
}

/** A uniformResourceIdentifier entry equal to `uri` (RFC 8705 §2.1.2). */
export function uriMatches(certificate: X509Certificate, uri: string): boolean {
  return hasEntry(certificate, "URI", (value) => value === uri);
}

/** An rfc822Name entry equal to `email` (RFC 8705 §2.1.2). */
export function emailMatches(certificate: X509Certificate, email: string): boolean {
  return hasEntry(certificate, "email", (value) => value === email);
}

/** An iPAddress entry with the same address bytes as `ip`, so `::1` equals `0:0:0:0:0:0:0:1` (RFC 8705 §2.1.2). */
export function ipMatches(certificate: X509Certificate, ip: string): boolean {
  return certificate.checkIP(ip) !== undefined;
}
