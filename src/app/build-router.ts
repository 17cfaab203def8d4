import type { DependencyContainer } from "tsyringe";
import { CORE_METADATA_FIELDS } from "../core/clients/client-metadata.schema.js";
import { DI } from "../core/di-tokens.js";
import { ServerMetadata } from "../core/discovery/server-metadata.js";
import { assertPluginSurfaces } from "../plugin-host/assert-plugin-surfaces.js";
import type { PluginRegistries } from "../plugin-host/plugin-registries.js";
import { ChangeFeed } from "../core/changes/change-feed.js";
import type { Logger } from "../core/ports/logger.js";
import type { HttpEndpoint } from "../transport/http/endpoint.js";
import { AuthorizeEndpoint } from "../transport/http/endpoints/authorize.endpoint.js";
import { ChallengeEndpoint } from "../transport/http/endpoints/challenge.endpoint.js";
import { InteractionEndpoint } from "../transport/http/endpoints/interaction.endpoint.js";
import { OAuthMetadataEndpoint, OpenIdConfigurationEndpoint } from "../transport/http/endpoints/discovery.endpoint.js";
import { EndSessionEndpoint } from "../transport/http/endpoints/end-session.endpoint.js";
import { EndSessionConfirmEndpoint } from "../transport/http/endpoints/end-session-confirm.endpoint.js";
import { IntrospectEndpoint } from "../transport/http/endpoints/introspect.endpoint.js";
import { JwksEndpoint } from "../transport/http/endpoints/jwks.endpoint.js";
import { ParEndpoint } from "../transport/http/endpoints/par.endpoint.js";
import { RegisterEndpoint } from "../transport/http/endpoints/register.endpoint.js";
import { RegisterManagementEndpoint } from "../transport/http/endpoints/register-management.endpoint.js";
import { RevokeEndpoint } from "../transport/http/endpoints/revoke.endpoint.js";
import { TokenEndpoint } from "../transport/http/endpoints/token.endpoint.js";
import { UserinfoEndpoint } from "../transport/http/endpoints/userinfo.endpoint.js";
import { OAuthRouter } from "../transport/http/oauth-router.js";
import { clientCertificateSource } from "../transport/http/client-certificate.js";
import { mtlsIssuer } from "../config/mtls-issuer.js";
import type { HttpMetrics } from "../transport/metrics/http-metrics.js";

/** Every public endpoint class; adding an endpoint is one line here. */
const endpointClasses = [AuthorizeEndpoint, InteractionEndpoint, TokenEndpoint, ParEndpoint, IntrospectEndpoint, RevokeEndpoint, JwksEndpoint, OAuthMetadataEndpoint, OpenIdConfigurationEndpoint, RegisterEndpoint, RegisterManagementEndpoint, EndSessionEndpoint, EndSessionConfirmEndpoint, UserinfoEndpoint, ChallengeEndpoint] as const;

/**
 * Resolves core's endpoints eagerly (a bad wiring fails at boot) and builds the public router with the operational
 * ones (health, readiness) and the plugins' endpoints beside them; a plugin path or discovery member that core already owns fails the boot.
 */
export async function buildRouter(container: DependencyContainer, registries: PluginRegistries, logger: Logger, operational: readonly HttpEndpoint[], metrics: HttpMetrics): Promise<OAuthRouter> {
  const config = container.resolve(DI.Config);
  const core: HttpEndpoint[] = [...endpointClasses.map((cls) => container.resolve<HttpEndpoint>(cls as never)), ...operational];
  const metadata = container.resolve(ServerMetadata);
  assertPluginSurfaces(registries, { paths: core.map((e) => e.path), discoveryMembers: await metadata.coreMembers(), metadataFields: CORE_METADATA_FIELDS });
  const changes = container.resolve(ChangeFeed);
  return new OAuthRouter([...core, ...registries.endpoints], { issuer: config.issuer, mtlsIssuer: mtlsIssuer(config), bodyLimit: config.bodyLimit, logger, metrics, changes, certificates: clientCertificateSource(config) });
}
