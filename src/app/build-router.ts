import type { DependencyContainer } from "tsyringe";
import type { Config } from "../config/config.js";
import { ChangeFeed } from "../core/changes/change-feed.js";
import type { Logger } from "../core/ports/logger.js";
import type { HttpEndpoint } from "../transport/http/endpoint.js";
import { AuthorizeEndpoint } from "../transport/http/endpoints/authorize.endpoint.js";
import { InteractionEndpoint } from "../transport/http/endpoints/interaction.endpoint.js";
import { OAuthMetadataEndpoint, OpenIdConfigurationEndpoint } from "../transport/http/endpoints/discovery.endpoint.js";
import type { HealthEndpoint } from "../transport/http/endpoints/health.endpoint.js";
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
import type { HttpMetrics } from "../transport/metrics/http-metrics.js";

/** Every public endpoint class; adding an endpoint is one line here. */
const endpointClasses = [AuthorizeEndpoint, InteractionEndpoint, TokenEndpoint, ParEndpoint, IntrospectEndpoint, RevokeEndpoint, JwksEndpoint, OAuthMetadataEndpoint, OpenIdConfigurationEndpoint, RegisterEndpoint, RegisterManagementEndpoint, EndSessionEndpoint, EndSessionConfirmEndpoint, UserinfoEndpoint] as const;

/** Resolves the endpoints eagerly (a bad wiring fails at boot) and builds the public router. */
export function buildRouter(container: DependencyContainer, config: Config, logger: Logger, health: HealthEndpoint, metrics: HttpMetrics): OAuthRouter {
  const endpoints: HttpEndpoint[] = endpointClasses.map((cls) => container.resolve<HttpEndpoint>(cls as never));
  const changes = container.resolve(ChangeFeed);
  return new OAuthRouter([...endpoints, health], { issuer: config.issuer, bodyLimit: config.bodyLimit, logger, metrics, changes });
}
