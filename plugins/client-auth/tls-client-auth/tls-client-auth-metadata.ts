import { isIP } from "node:net";
import type { X509Certificate } from "node:crypto";
import { OAuthErrors, type ClientMetadata, type ClientMetadataField } from "portcullis/plugin-sdk";
import { parseDistinguishedName, subjectMatches } from "./distinguished-name.js";
import { dnsNameMatches, emailMatches, ipMatches, uriMatches } from "./subject-alt-names.js";

/** The method these fields serve. */
export const TLS_CLIENT_AUTH = "tls_client_auth";

/** One way to name the client's certificate (RFC 8705 §2.1.2): when a value is well-formed, and when a certificate matches it. */
interface NameRule {
  readonly wellFormed: (value: string) => boolean;
  readonly matches: (certificate: X509Certificate, value: string) => boolean;
}

/** The five `tls_client_auth_*` fields of RFC 8705 §2.1.2, by name. */
export const CERTIFICATE_NAME_RULES: ReadonlyMap<string, NameRule> = new Map<string, NameRule>([
  ["tls_client_auth_subject_dn", { wellFormed: (v) => parseDistinguishedName(v) !== undefined, matches: subjectMatches }],
  ["tls_client_auth_san_dns", { wellFormed: (v) => /^[^\s/:@]+$/.test(v), matches: dnsNameMatches }],
  ["tls_client_auth_san_uri", { wellFormed: (v) => URL.canParse(v), matches: uriMatches }],
  ["tls_client_auth_san_ip", { wellFormed: (v) => isIP(v) !== 0, matches: ipMatches }],
  ["tls_client_auth_san_email", { wellFormed: (v) => /^[^\s@]+@[^\s@]+$/.test(v), matches: emailMatches }],
]);

/** The `tls_client_auth_*` fields `metadata` sets. */
export function certificateNamesOf(metadata: Readonly<ClientMetadata>): string[] {
  return [...CERTIFICATE_NAME_RULES.keys()].filter((name) => metadata[name] !== undefined);
}

/** A `tls_client_auth_*` field: a well-formed string of its kind, for `tls_client_auth` clients only (RFC 8705 §2.1.2). */
class CertificateNameField implements ClientMetadataField {
  constructor(
    readonly name: string,
    private readonly rule: NameRule,
  ) {}

  parse(value: unknown): string {
    if (typeof value !== "string" || value.length > 2000 || !this.rule.wellFormed(value)) {
      throw OAuthErrors.invalidClientMetadata(`${this.name} must be a ${this.name === "tls_client_auth_subject_dn" ? "distinguished name (RFC 4514)" : "subject alternative name"} string`);
    }
    return value;
  }

  validate(metadata: Readonly<ClientMetadata>): void {
    if (metadata.token_endpoint_auth_method !== TLS_CLIENT_AUTH) {
      throw OAuthErrors.invalidClientMetadata(`${this.name} is used only with token_endpoint_auth_method ${TLS_CLIENT_AUTH}`);
    }
  }
}

/** The fields as plugin-owned client metadata. */
export const certificateNameFields: readonly ClientMetadataField[] = [...CERTIFICATE_NAME_RULES].map(([name, rule]) => new CertificateNameField(name, rule));
