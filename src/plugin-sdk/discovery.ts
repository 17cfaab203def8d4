/**
 * Adds members to the authorization server metadata (RFC 8414 §2) and the OpenID Provider metadata (OIDC Discovery §3),
 * e.g. `device_authorization_endpoint` or `dpop_signing_alg_values_supported`. A member core publishes cannot be
 * replaced: the boot fails naming both owners.
 */
export interface DiscoveryContributor {
  readonly id: string;
  /** The members to add; asked at every metadata request, so they may follow configuration. */
  members(): Readonly<Record<string, unknown>>;
}
