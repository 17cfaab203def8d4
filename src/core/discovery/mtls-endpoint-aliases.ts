/** The endpoints where a client authenticates or presents a certificate-bound token, so mTLS matters (RFC 8705 §5). */
const ALIASED_MEMBERS = [
  "token_endpoint",
  "pushed_authorization_request_endpoint",
  "revocation_endpoint",
  "introspection_endpoint",
  "userinfo_endpoint",
  "device_authorization_endpoint",
  "authorization_challenge_endpoint",
] as const;

/** The metadata member that publishes the aliases. */
export const MTLS_ALIASES_MEMBER = "mtls_endpoint_aliases";

/**
 * `mtls_endpoint_aliases` (RFC 8705 §5): each of ALIASED_MEMBERS that `metadata` publishes under `issuer`, at the same
 * path under `mtlsIssuer`; `metadata` unchanged when mTLS is not configured.
 */
export function withMtlsEndpointAliases(metadata: Record<string, unknown>, issuer: string, mtlsIssuer: string | undefined): Record<string, unknown> {
  if (mtlsIssuer === undefined) return metadata;
  const aliases: Record<string, string> = {};
  for (const member of ALIASED_MEMBERS) {
    const url = metadata[member];
    if (typeof url === "string" && url.startsWith(`${issuer}/`)) aliases[member] = mtlsIssuer + url.slice(issuer.length);
  }
  return { ...metadata, [MTLS_ALIASES_MEMBER]: aliases };
}
