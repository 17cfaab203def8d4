import { AttestationChallengeService } from "../core/attestation/attestation-challenges.service.js";
import { AttestationVerifierChain } from "../core/attestation/attestation-verifiers.js";
import { AuditTrail } from "../core/audit/audit-trail.js";
import { LoginService } from "../core/authn/login.service.js";
import { SignInMachine } from "../core/authn/sign-in.machine.js";
import { ChangeFeed } from "../core/changes/change-feed.js";
import { SessionEstablisher } from "../core/sessions/session-establisher.js";
import { HousekeepingService } from "../core/maintenance/housekeeping.service.js";
import { ReadinessChecks } from "../core/maintenance/readiness-checks.js";
import { AuthorizationFlow } from "../core/authorize/authorization-flow.js";
import { AuthorizationRequestValidator } from "../core/authorize/authorization-request.validator.js";
import { AuthorizationResponder } from "../core/authorize/authorization-responder.js";
import { RequestObjectResolver } from "../core/authorize/request-object.resolver.js";
import { RequestObjectVerifier } from "../core/authorize/request-object.verifier.js";
import { JarmEncoder } from "../core/authorize/jarm.encoder.js";
import { InteractionStore } from "../core/authorize/interaction.store.js";
import { InteractionResults } from "../core/authorize/interaction-results.store.js";
import { AuthorizationStanding } from "../core/plugin-capabilities/authorization-standing.js";
import { AuthFailureThrottle } from "../core/clients/auth-failure-throttle.js";
import { ClientAssertionVerifier } from "../core/clients/client-assertion.verifier.js";
import { CoreClientAuthContext } from "../core/clients/client-auth-context.js";
import { ClientAuthenticationService } from "../core/clients/client-authentication.service.js";
import { ClientCache } from "../core/clients/client-cache.js";
import { ClientJwksCache } from "../core/clients/client-jwks-cache.js";
import { InitialAccessTokens } from "../core/clients/initial-access-tokens.js";
import { SectorIdentifierVerifier } from "../core/clients/sector-identifier.verifier.js";
import { SoftwareStatements } from "../core/clients/software-statements.js";
import { RegistrationEvidence } from "../core/clients/registration-evidence.js";
import { AuthorizationCodeService } from "../core/codes/authorization-code.service.js";
import { ServerMetadata } from "../core/discovery/server-metadata.js";
import { GrantContextFactory } from "../core/grants/grant-context.factory.js";
import { TokenExchangePolicyChain } from "../core/grants/token-exchange-policies.js";
import { TokenRequestHandler } from "../core/grants/token-request.handler.js";
import { JwtSigner } from "../core/keys/jwt-signer.js";
import { JwtVerifier } from "../core/keys/jwt-verifier.js";
import { PushedRequestService } from "../core/par/pushed-request.service.js";
import { AccessPolicy } from "../core/policy/access-policy.js";
import { ResourceCatalog } from "../core/resources/resource-catalog.js";
import { ResourceService } from "../core/resources/resource.service.js";
import { FailureLockout } from "../core/security/failure-lockout.js";
import { RateLimiter } from "../core/security/rate-limiter.js";
import { SafeFetcher } from "../core/security/safe-fetch.js";
import { ConsentService } from "../core/sessions/consent.service.js";
import { SessionManager } from "../core/sessions/session-manager.js";
import { IdTokenMinter } from "../core/tokens/id-token.minter.js";
import { IntrospectionService } from "../core/tokens/introspection.service.js";
import { RefreshTokenService } from "../core/tokens/refresh-token.service.js";
import { TokenIssuer } from "../core/tokens/token-issuer.js";
import { TokenRevoker } from "../core/tokens/token-revoker.js";
import { UserAccessService } from "../core/users/user-access.service.js";
import { UserService } from "../core/users/user.service.js";
import { TotpSecretService } from "../core/users/totp-secret.service.js";
import { SubjectResolver } from "../core/users/subject-resolver.js";
import { UserinfoClaimsRequests } from "../core/users/userinfo-claims-requests.store.js";
import { UserinfoService } from "../core/users/userinfo.service.js";
import { BackchannelLogoutNotifier } from "../core/sessions/backchannel-logout.notifier.js";
import { LogoutConfirmationStore } from "../core/sessions/logout-confirmation.store.js";
import { LogoutRequestValidator } from "../core/sessions/logout-request.validator.js";
import { LogoutService } from "../core/sessions/logout.service.js";
import { IdTokenHintVerifier } from "../core/tokens/id-token-hint.verifier.js";
import { TrustedIssuerCatalog } from "../core/trust/trusted-issuer-catalog.js";
import { TrustedIssuerService } from "../core/trust/trusted-issuer.service.js";
import { TrustedJwtVerifier } from "../core/trust/trusted-jwt.verifier.js";
import { DpopNonces } from "../core/pop/dpop/dpop-nonces.js";
import { DpopProofVerifier } from "../core/pop/dpop/dpop-proof.verifier.js";
import { DpopRequestKey } from "../core/pop/dpop/dpop-request-key.js";
import { DpopResourceProof } from "../core/pop/dpop/dpop-resource-proof.js";
import { SenderProofReader } from "../core/pop/sender-proof.reader.js";

/** Core services resolved by class token: one instance per app container (caches and pre-encoded state are shared). */
export const singletonClasses = [
  ChangeFeed,
  JwtSigner,
  JwtVerifier,
  SafeFetcher,
  RateLimiter,
  FailureLockout,
  ResourceCatalog,
  ResourceService,
  UserService,
  UserAccessService,
  TotpSecretService,
  LoginService,
  SignInMachine,
  SubjectResolver,
  UserinfoClaimsRequests,
  UserinfoService,
  ClientCache,
  ClientJwksCache,
  ClientAssertionVerifier,
  CoreClientAuthContext,
  AuthFailureThrottle,
  ClientAuthenticationService,
  InitialAccessTokens,
  SectorIdentifierVerifier,
  SoftwareStatements,
  RegistrationEvidence,
  AccessPolicy,
  RefreshTokenService,
  AuthorizationCodeService,
  PushedRequestService,
  RequestObjectVerifier,
  RequestObjectResolver,
  AuthorizationRequestValidator,
  TokenIssuer,
  IdTokenMinter,
  GrantContextFactory,
  TokenExchangePolicyChain,
  TokenRequestHandler,
  IntrospectionService,
  TokenRevoker,
  ServerMetadata,
  InteractionStore,
  InteractionResults,
  AuthorizationStanding,
  SessionEstablisher,
  HousekeepingService,
  SessionManager,
  ConsentService,
  AuthorizationFlow,
  JarmEncoder,
  AuthorizationResponder,
  IdTokenHintVerifier,
  BackchannelLogoutNotifier,
  LogoutService,
  LogoutRequestValidator,
  LogoutConfirmationStore,
  TrustedIssuerCatalog,
  TrustedIssuerService,
  TrustedJwtVerifier,
  AttestationVerifierChain,
  AttestationChallengeService,
  DpopNonces,
  DpopProofVerifier,
  DpopRequestKey,
  DpopResourceProof,
  SenderProofReader,
  AuditTrail,
  ReadinessChecks,
] as const;
