import type { X509Certificate } from "node:crypto";

/** A relative distinguished name: its attributes as normalised `TYPE=value` strings, sorted (a multi-valued RDN is a set). */
type Rdn = readonly string[];

/** Attribute types by OID, so `2.5.4.3=x` and `CN=x` compare equal (RFC 4514 §3, RFC 4519). */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "SERIALNUMBER",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "EMAILADDRESS",
};

/** Splits `text` at each `separator` that no backslash escapes (RFC 4514 §2.4). */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") {
      current += text.slice(i, i + 2);
      i++;
    } else if (text.startsWith(separator, i)) {
      parts.push(current);
      current = "";
      i += separator.length - 1;
    } else {
      current += text[i];
    }
  }
  parts.push(current);
  return parts;
}

/** Resolves `\c` and `\hh` (UTF-8 bytes) escapes (RFC 4514 §2.4, §3). */
function unescape(value: string): string {
  const bytes: Buffer[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value[i] === "\\" ? /^[0-9a-fA-F]{2}/.exec(value.slice(i + 1))?.[0] : undefined;
    if (hex !== undefined) {
      bytes.push(Buffer.from(hex, "hex"));
      i += 2;
    } else {
      if (value[i] === "\\") i++;
      bytes.push(Buffer.from(value[i] ?? "", "utf8"));
    }
  }
  return Buffer.concat(bytes).toString("utf8");
}

/** `TYPE=value` normalised: type upper-cased (OIDs named), value compared case-insensitively with insignificant spaces removed (RFC 4518 §2.6). */
function attribute(text: string): string | undefined {
  const equals = text.indexOf("=");
  if (equals <= 0) return undefined;
  const type = text.slice(0, equals).trim().toUpperCase();
  if (!/^([A-Z][A-Z0-9-]*|[0-9]+(\.[0-9]+)+)$/.test(type)) return undefined;
  const value = unescape(text.slice(equals + 1).trimStart()).normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
  return `${TYPE_NAMES[type] ?? type}=${value}`;
}

function rdns(parts: readonly string[], avaSeparator: string): Rdn[] | undefined {
  const parsed: Rdn[] = [];
  for (const part of parts) {
    const attributes = splitUnescaped(part, avaSeparator).map(attribute);
    if (attributes.some((a) => a === undefined)) return undefined;
    parsed.push((attributes as string[]).sort());
  }
  return parsed;
}

/** The normalised RDNs of an RFC 4514 string (first RDN = last in the certificate), or undefined when malformed. */
export function parseDistinguishedName(text: string): Rdn[] | undefined {
  return text.trim() === "" ? undefined : rdns(splitUnescaped(text, ","), "+");
}

/**
 * The certificate subject's RDNs in RFC 4514 order. node prints the subject one RDN a line in certificate order,
 * attributes of one RDN joined by " + ", with RFC 4514 escapes.
 */
function subjectOf(certificate: X509Certificate): Rdn[] | undefined {
  return rdns(certificate.subject.split("\n").reverse(), " + ");
}

/** True when the certificate's subject equals `expected` (RFC 8705 §2.1.2 `tls_client_auth_subject_dn`), RDN by RDN. */
export function subjectMatches(certificate: X509Certificate, expected: string): boolean {
  const wanted = parseDistinguishedName(expected);
  const actual = subjectOf(certificate);
  if (!wanted || !actual || wanted.length !== actual.length) return false;
  return wanted.every((rdn, i) => rdn.length === actual[i]!.length && rdn.every((a, j) => a === actual[i]![j]));
}
