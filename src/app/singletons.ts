import { ClientAuthenticationService } from "../core/clients/client-authentication.service.js";
import { ClientCache } from "../core/clients/client-cache.js";
import { ClientJwksCache } from "../core/clients/client-jwks-cache.js";
import { ServerMetadata } from "../core/discovery/server-metadata.js";
import { GrantContextFactory } from "../core/grants/grant-context.factory.js";
import { TokenRequestHandler } from "../core/grants/token-request.handler.js";
import { AccessPolicy } from "../core/policy/access-policy.js";
import { ResourceCatalog } from "../core/resources/resource-catalog.js";
import { IntrospectionService } from "../core/tokens/introspection.service.js";
import { RefreshTokenService } from "../core/tokens/refresh-token.service.js";
import { TokenIssuer } from "../core/tokens/token-issuer.js";
import { TokenRevoker } from "../core/tokens/token-revoker.js";

/** Classes resolved by class token that hold caches or are shared: one instance per app container. */
export const singletonClasses = [
  ResourceCatalog,
  ClientCache,
  ClientJwksCache,
  ClientAuthenticationService,
  AccessPolicy,
  RefreshTokenService,
  TokenIssuer,
  GrantContextFactory,
  TokenRequestHandler,
  IntrospectionService,
  TokenRevoker,
  ServerMetadata,
] as const;
