import { container as rootContainer, type DependencyContainer } from "tsyringe";
import type { Config } from "../config/config.js";
import { mtlsIssuer } from "../config/mtls-issuer.js";
import { AttestationChallengeService } from "../core/attestation/attestation-challenges.service.js";
import { AttestationVerifierChain, AttestationVerifiersToken } from "../core/attestation/attestation-verifiers.js";
import type { Capabilities } from "../core/capabilities.js";
import { AuditRecorderToken, AuditSinksToken, AuditTrail, type AuditRecorder } from "../core/audit/audit-trail.js";
import { AuthenticatorsToken } from "../core/authn/authenticators.js";
import { AUTHORIZATION_RESPONSE_TYPES } from "../core/authorize/response-types.js";
import { ClientAuthenticatorsToken } from "../core/clients/client-auth.tokens.js";
import { ClientAuthenticationService } from "../core/clients/client-authentication.service.js";
import { ClientMetadataFieldsToken } from "../core/clients/client-metadata-fields.js";
import { ClientRegistryService } from "../core/clients/client-registry.service.js";
import { DI } from "../core/di-tokens.js";
import { DiscoveryContributorsToken, PluginEndpointsToken } from "../core/discovery/discovery-contributors.js";
import { GrantHandlersToken } from "../core/grants/grant-handlers.js";
import { TokenExchangePoliciesToken, TokenExchangePolicyChain } from "../core/grants/token-exchange-policies.js";
import { ContributionOwnerToken } from "../core/plugin-owners.js";
import type { Sealer } from "../core/keys/key-service.js";
import { SigningKeyService } from "../core/keys/signing-key.service.js";
import { AuthenticationSealService } from "../core/plugin-capabilities/authentication-seal.service.js";
import { IssuedTokensService } from "../core/plugin-capabilities/issued-tokens.service.js";
import { PluginAccessPolicy } from "../core/plugin-capabilities/plugin-access-policy.js";
import { PluginRevocations } from "../core/plugin-capabilities/plugin-revocations.js";
import { UserDirectoryService } from "../core/plugin-capabilities/user-directory.js";
import type { ChangeSignal } from "../core/ports/change-log.js";
import type { Clock, RandomSource } from "../core/ports/clock.js";
import type { EphemeralStore, RevocationBus } from "../core/ports/ephemeral-store.js";
import type { Logger } from "../core/ports/logger.js";
import type { DurableStorage } from "../core/ports/repositories.js";
import { ProtocolMetricsToken, type ProtocolMetrics } from "../core/ports/protocol-metrics.js";
import { ClaimsProvidersToken } from "../core/tokens/claims-providers.js";
import { IntrospectionCustomizersToken } from "../core/tokens/introspection-customizers.js";
import { JwtAccessTokenMinter } from "../core/tokens/jwt-access-token.minter.js";
import { RevocationServiceImpl } from "../core/tokens/revocation.service.js";
import { TokenCustomizersToken } from "../core/tokens/token-customizers.js";
import { TokenResponseContributorsToken } from "../core/tokens/token-response-contributors.js";
import { TokenValidatorService } from "../core/tokens/token-validator.service.js";
import { TrustedJwtVerifier } from "../core/trust/trusted-jwt.verifier.js";
import { UserClaimsProvider } from "../core/users/user-claims.provider.js";
import type { PluginRegistries } from "../plugin-host/plugin-registries.js";
import type { Attestations } from "../plugin-sdk/attestation.js";
import type { BrowserSignIn, ClientAuthentication } from "../plugin-sdk/capabilities.js";
import type { ClientAuthenticator } from "../plugin-sdk/client-auth.js";
import type { TokenExchangePolicies } from "../plugin-sdk/token-exchange.js";
import { PluginTokens } from "../plugin-sdk/plugin-tokens.js";
import { SenderProofReader } from "../core/pop/sender-proof.reader.js";
import { BrowserSignInService } from "../transport/http/plugin-capabilities/browser-sign-in.service.js";
import { PluginPagesService } from "../transport/http/plugin-capabilities/plugin-pages.service.js";
import { registerFirstPartyCapabilities } from "./first-party-capabilities.js";
import { singletonClasses } from "./singletons.js";

export interface ContainerParts {
  config: Config;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  durable: DurableStorage;
  ephemeral: { store: EphemeralStore; bus: RevocationBus; signal: ChangeSignal };
  sealer: Sealer;
  metrics: ProtocolMetrics;
}

/** One child container per app: infrastructure as values, the plugins' capabilities, and every core service as a singleton. */
export function createContainer(parts: ContainerParts): DependencyContainer {
  const container = rootContainer.createChildContainer();
  container.register(DI.Config, { useValue: parts.config });
  container.register(DI.Clock, { useValue: parts.clock });
  container.register(DI.Random, { useValue: parts.random });
  container.register(DI.Logger, { useValue: parts.logger });
  container.register(DI.Durable, { useValue: parts.durable });
  container.register(DI.Ephemeral, { useValue: parts.ephemeral.store });
  container.register(DI.RevocationBus, { useValue: parts.ephemeral.bus });
  container.register(DI.ChangeSignal, { useValue: parts.ephemeral.signal });
  container.register(DI.Sealer, { useValue: parts.sealer });
  container.register(ProtocolMetricsToken, { useValue: parts.metrics });
  container.registerSingleton(DI.Keys, SigningKeyService);
  container.registerSingleton(DI.AccessTokenMinter, JwtAccessTokenMinter);
  container.registerSingleton(DI.TokenValidator, TokenValidatorService);
  container.registerSingleton(DI.Revocation, RevocationServiceImpl);
  container.registerSingleton(DI.ClientRegistry, ClientRegistryService);
  for (const cls of singletonClasses) container.registerSingleton(cls as never);
  // Resolved at the first event: the sinks are plugins, built after the capabilities that record events.
  let trail: AuditRecorder | undefined;
  container.register(AuditRecorderToken, { useValue: { record: (facts) => (trail ??= container.resolve(AuditTrail)).record(facts) } satisfies AuditRecorder });
  registerPluginCapabilities(container, parts);
  return container;
}

/** The shared PluginTokens (DESIGN "Plugin contracts"); options, logger and single-use store are per module (plugin-host). */
function registerPluginCapabilities(container: DependencyContainer, parts: ContainerParts): void {
  container.register(PluginTokens.Issuer, { useValue: parts.config.issuer });
  container.register(PluginTokens.Clock, { useValue: Object.freeze({ now: () => parts.clock.now() }) });
  container.register(PluginTokens.ClockTolerance, { useValue: parts.config.clockTolerance });
  container.registerSingleton(PluginTokens.Users, UserDirectoryService);
  container.registerSingleton(PluginTokens.Tokens, IssuedTokensService);
  container.registerSingleton(PluginTokens.Revocations, PluginRevocations);
  container.registerSingleton(PluginTokens.AuthenticationSeal, AuthenticationSealService);
  container.registerSingleton(PluginTokens.AccessPolicy, PluginAccessPolicy);
  container.registerSingleton(PluginTokens.Pages, PluginPagesService);
  // Resolved at the first call: client authentication needs the client-auth plugins, which are being built meanwhile.
  const clientAuthentication: ClientAuthentication = { authenticate: (request, options) => container.resolve(ClientAuthenticationService).authenticate(request, options) };
  container.register(PluginTokens.ClientAuthentication, { useValue: clientAuthentication });
  // Likewise: the policies are contributions, built after the grant that asks for them.
  const exchangePolicies: TokenExchangePolicies = { evaluate: (query) => container.resolve(TokenExchangePolicyChain).evaluate(query) };
  container.register(PluginTokens.TokenExchangePolicies, { useValue: exchangePolicies });
  container.register(PluginTokens.TrustedIssuers, { useToken: TrustedJwtVerifier });
  // Likewise: the verifiers are contributions, built after the client-auth plugin that asks for them.
  const attestations: Attestations = { verify: (evidence, context) => container.resolve(AttestationVerifierChain).verify(evidence, context) };
  container.register(PluginTokens.Attestations, { useValue: attestations });
  container.register(PluginTokens.AttestationChallenges, { useToken: AttestationChallengeService });
  container.register(PluginTokens.SenderProofs, { useToken: SenderProofReader });
  registerFirstPartyCapabilities(container);
  // Likewise: the sign-in pages need the authenticator plugins.
  container.registerSingleton(BrowserSignInService);
  const browserSignIn: BrowserSignIn = {
    start: (request, signIn) => container.resolve(BrowserSignInService).start(request, signIn),
    result: (request) => container.resolve(BrowserSignInService).result(request),
    assertStillAuthorized: (authentication, clientId, scopes) => container.resolve(BrowserSignInService).assertStillAuthorized(authentication, clientId, scopes),
  };
  container.register(PluginTokens.BrowserSignIn, { useValue: browserSignIn });
}

/** Registers what the plugins contributed and the capabilities derived from it (RFC 8414 §2). */
export function registerPlugins(container: DependencyContainer, registries: PluginRegistries, config: Config): void {
  const clientCertificates = mtlsIssuer(config) !== undefined;
  // RFC 8705 §2: a method whose credential is a client certificate is offered only where certificates arrive.
  const authenticators = registries.clientAuthenticators.filter((a) => clientCertificates || a.requiresClientCertificate !== true);
  container.register(DI.Capabilities, { useValue: capabilitiesOf(registries, authenticators, config, clientCertificates) });
  container.register(GrantHandlersToken, { useValue: registries.grants });
  container.register(ClientAuthenticatorsToken, { useValue: authenticators });
  container.register(TokenCustomizersToken, { useValue: registries.tokenCustomizers });
  container.register(IntrospectionCustomizersToken, { useValue: registries.introspectionCustomizers });
  container.register(ClaimsProvidersToken, { useValue: [container.resolve(UserClaimsProvider), ...registries.claimsProviders] });
  container.register(AuthenticatorsToken, { useValue: registries.authenticators });
  container.register(DiscoveryContributorsToken, { useValue: registries.discovery });
  container.register(PluginEndpointsToken, { useValue: registries.endpoints });
  container.register(ClientMetadataFieldsToken, { useValue: registries.clientMetadataFields });
  container.register(TokenResponseContributorsToken, { useValue: registries.tokenResponseContributors });
  container.register(TokenExchangePoliciesToken, { useValue: registries.tokenExchangePolicies });
  container.register(AttestationVerifiersToken, { useValue: registries.attestationVerifiers });
  container.register(AuditSinksToken, { useValue: registries.auditSinks });
  container.register(ContributionOwnerToken, { useValue: (contribution: object) => registries.ownerOf(contribution) });
}

/** What discovery and registration validation advertise, derived from the enabled plugins (RFC 8414 §2). */
function capabilitiesOf(registries: PluginRegistries, authenticators: readonly ClientAuthenticator[], config: Config, clientCertificates: boolean): Capabilities {
  const codeFlow = registries.grants.has("authorization_code");
  return {
    grantTypes: codeFlow ? [...registries.grants.keys(), "implicit"] : [...registries.grants.keys()],
    confidentialGrantTypes: [...registries.grants.values()].filter((g) => g.clientAuthentication === "required").map((g) => g.grantType),
    clientAuthMethods: authenticators.map((a) => a.method),
    clientAuthSigningAlgs: [...new Set(authenticators.flatMap((a) => a.signingAlgorithms ?? []))],
    // OIDC Core §3: hybrid and implicit response types come with the authorization endpoint; clients opt in per response_types.
    responseTypes: codeFlow ? AUTHORIZATION_RESPONSE_TYPES : [],
    signingAlgs: ["RS256", ...config.signingAlgs.filter((alg) => alg !== "RS256")],
    unsignedIdTokens: config.unsignedIdTokens,
    clientCertificates,
  };
}
