import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Capabilities } from "../capabilities.js";
import { DI } from "../di-tokens.js";
import { OPENID_SCOPES } from "../policy/scopes.js";
import { ResourceCatalog } from "../resources/resource-catalog.js";

/** Builds RFC 8414 / OIDC Discovery metadata from what is actually registered and enabled. */
@injectable()
export class ServerMetadata {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Capabilities) private readonly capabilities: Capabilities,
    @inject(ResourceCatalog) private readonly resources: ResourceCatalog,
  ) {}

  /** RFC 8414 §2 authorization server metadata. */
  async oauth(): Promise<Record<string, unknown>> {
    const issuer = this.config.issuer;
    const caps = this.capabilities;
    const authMethods = [...caps.clientAuthMethods];
    const confidentialMethods = authMethods.filter((m) => m !== "none");
    const resourceScopes = await this.resources.allScopes();
    return {
      issuer,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      registration_endpoint: `${issuer}/register`,
      introspection_endpoint: `${issuer}/introspect`,
      revocation_endpoint: `${issuer}/revoke`,
      scopes_supported: [...new Set([...OPENID_SCOPES, ...resourceScopes])],
      response_types_supported: [...caps.responseTypes],
      grant_types_supported: [...caps.grantTypes],
      token_endpoint_auth_methods_supported: authMethods,
      token_endpoint_auth_signing_alg_values_supported: [...caps.clientAuthSigningAlgs],
      introspection_endpoint_auth_methods_supported: confidentialMethods,
      introspection_endpoint_auth_signing_alg_values_supported: [...caps.clientAuthSigningAlgs],
      revocation_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_signing_alg_values_supported: [...caps.clientAuthSigningAlgs],
      service_documentation: `${issuer}/`,
    };
  }

  /** OIDC Discovery 1.0 §3 provider metadata: RFC 8414 plus the OpenID members. */
  async openid(): Promise<Record<string, unknown>> {
    return {
      ...(await this.oauth()),
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: [...this.capabilities.signingAlgs],
      claims_supported: ["iss", "sub", "aud", "exp", "iat", "jti", "client_id", "scope"],
    };
  }
}
