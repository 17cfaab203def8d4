import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { ACR_VALUES } from "../authn/acr.js";
import { PROMPT_VALUES, RESPONSE_MODES } from "../authorize/response-types.js";
import type { Capabilities } from "../capabilities.js";
import { CLIENT_KEY_ALGORITHMS } from "../clients/client-jwks-cache.js";
import { DPOP_SIGNING_ALGS } from "../pop/dpop/dpop-algorithms.js";
import type { DiscoveryContributor } from "../../plugin-sdk/discovery.js";
import type { PublicEndpoint } from "../../plugin-sdk/endpoint.js";
import { DI } from "../di-tokens.js";
import { DiscoveryContributorsToken, PluginEndpointsToken } from "./discovery-contributors.js";
import { MTLS_ALIASES_MEMBER, withMtlsEndpointAliases } from "./mtls-endpoint-aliases.js";
import { mtlsIssuer } from "../../config/mtls-issuer.js";
import { OPENID_SCOPES } from "../policy/scopes.js";
import { ResourceCatalog } from "../resources/resource-catalog.js";
import { USER_CLAIMS } from "../users/user-claims.provider.js";

/** Claims core puts in ID tokens (OIDC Core §2); user claims come from the claims providers. */
const ID_TOKEN_CLAIMS: readonly string[] = ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "azp", "at_hash", "c_hash"];

/**
 * Builds RFC 8414 / OIDC Discovery metadata from what is actually registered and enabled: core's members, then the
 * plugins' (their endpoints' URLs and their contributors' members), which never replace one of core's.
 */
@injectable()
export class ServerMetadata {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Capabilities) private readonly capabilities: Capabilities,
    @inject(ResourceCatalog) private readonly resources: ResourceCatalog,
    @inject(DiscoveryContributorsToken) private readonly contributors: readonly DiscoveryContributor[],
    @inject(PluginEndpointsToken) private readonly endpoints: readonly PublicEndpoint[],
  ) {}

  /** RFC 8414 §2 authorization server metadata. */
  async oauth(): Promise<Record<string, unknown>> {
    return this.withAliases(this.withPluginMembers(await this.coreOAuth()));
  }

  /** OIDC Discovery 1.0 §3 provider metadata: RFC 8414 plus the OpenID members. */
  async openid(): Promise<Record<string, unknown>> {
    return this.withAliases(this.withPluginMembers(await this.coreOpenId()));
  }

  /** The members core publishes, by document (the boot checks that no plugin contributes one of them). */
  async coreMembers(): Promise<ReadonlySet<string>> {
    return new Set([...Object.keys(await this.coreOpenId()), MTLS_ALIASES_MEMBER]);
  }

  /** The mTLS aliases of core's and the plugins' endpoints, when mTLS is configured (RFC 8705 §5). */
  private withAliases(metadata: Record<string, unknown>): Record<string, unknown> {
    return withMtlsEndpointAliases(metadata, this.config.issuer, mtlsIssuer(this.config));
  }

  /** What the plugins add, by member name. */
  private pluginMembers(): Record<string, unknown> {
    const members: Record<string, unknown> = {};
    for (const endpoint of this.endpoints) if (endpoint.metadataMember) members[endpoint.metadataMember] = `${this.config.issuer}${endpoint.path}`;
    for (const contributor of this.contributors) Object.assign(members, contributor.members());
    return members;
  }

  private withPluginMembers(core: Record<string, unknown>): Record<string, unknown> {
    const added = Object.entries(this.pluginMembers()).filter(([name]) => !Object.hasOwn(core, name));
    return { ...core, ...Object.fromEntries(added) };
  }

  private async coreOAuth(): Promise<Record<string, unknown>> {
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
      // draft-ietf-oauth-attestation-based-client-auth-11 §6.3: challenges for client attestations and attested registration.
      challenge_endpoint: `${issuer}/challenge`,
      ...(caps.responseTypes.length > 0 && this.authorizationEndpoint()),
      scopes_supported: [...new Set([...OPENID_SCOPES, ...resourceScopes])],
      response_types_supported: [...caps.responseTypes],
      grant_types_supported: [...caps.grantTypes],
      token_endpoint_auth_methods_supported: authMethods,
      token_endpoint_auth_signing_alg_values_supported: [...caps.clientAuthSigningAlgs],
      introspection_endpoint_auth_methods_supported: confidentialMethods,
      introspection_endpoint_auth_signing_alg_values_supported: [...caps.clientAuthSigningAlgs],
      revocation_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_signing_alg_values_supported: [...caps.clientAuthSigningAlgs],
      dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
      // RFC 8705 §3.3: clients registered with tls_client_certificate_bound_access_tokens get cnf.x5t#S256 tokens.
      ...(caps.clientCertificates && { tls_client_certificate_bound_access_tokens: true }),
      service_documentation: `${issuer}/`,
    };
  }

  /** The authorization endpoint, PAR (RFC 9126 §5), request objects (RFC 9101 §10.1, OIDC Discovery §3), PKCE (RFC 7636 §6.2), response modes (JARM §3) and iss (RFC 9207 §3). */
  private authorizationEndpoint(): Record<string, unknown> {
    const { issuer, requirePar, requestUriFetch, pkcePlainAllowed } = this.config;
    return {
      authorization_endpoint: `${issuer}/authorize`,
      pushed_authorization_request_endpoint: `${issuer}/par`,
      require_pushed_authorization_requests: requirePar,
      request_parameter_supported: true,
      require_signed_request_object: false,
      request_uri_parameter_supported: requestUriFetch,
      require_request_uri_registration: true,
      request_object_signing_alg_values_supported: [...CLIENT_KEY_ALGORITHMS],
      code_challenge_methods_supported: pkcePlainAllowed ? ["S256", "plain"] : ["S256"],
      prompt_values_supported: [...PROMPT_VALUES],
      claims_parameter_supported: true,
      display_values_supported: ["page"],
      ui_locales_supported: ["en", "de"],
      response_modes_supported: [...RESPONSE_MODES],
      authorization_signing_alg_values_supported: [...this.capabilities.signingAlgs],
      authorization_response_iss_parameter_supported: true,
    };
  }

  private async coreOpenId(): Promise<Record<string, unknown>> {
    return {
      ...(await this.coreOAuth()),
      userinfo_endpoint: `${this.config.issuer}/userinfo`,
      subject_types_supported: ["public", "pairwise"],
      // "none" only when the operator enables it, and then only for clients whose response_types is exactly ["code"]
      // (OIDC Core §10.1, checked at registration): an RP library that accepts unsigned ID tokens is an open door.
      id_token_signing_alg_values_supported: [...this.capabilities.signingAlgs, ...(this.capabilities.unsignedIdTokens ? ["none"] : [])],
      userinfo_signing_alg_values_supported: [...this.capabilities.signingAlgs],
      acr_values_supported: [...ACR_VALUES],
      claim_types_supported: ["normal"],
      claims_supported: [...ID_TOKEN_CLAIMS, ...USER_CLAIMS],
      end_session_endpoint: `${this.config.issuer}/end_session`,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    };
  }
}
