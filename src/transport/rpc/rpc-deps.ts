import type { Config } from "../../config/config.js";
import type { ClientRegistry } from "../../core/clients/client-registry.js";
import type { RevocationBus } from "../../core/ports/ephemeral-store.js";
import type { Logger } from "../../core/ports/logger.js";
import type { LogoutService } from "../../core/sessions/logout.service.js";
import type { SessionManager } from "../../core/sessions/session-manager.js";
import type { TokenValidator } from "../../core/tokens/access-token.js";
import type { DpopResourceProof } from "../../core/pop/dpop/dpop-resource-proof.js";
import type { IntrospectionService } from "../../core/tokens/introspection.service.js";
import type { TokenIssuer } from "../../core/tokens/token-issuer.js";
import type { TokenRevoker } from "../../core/tokens/token-revoker.js";
import type { TrustedIssuerService } from "../../core/trust/trusted-issuer.service.js";

/** The core services the internal RPC handlers use, resolved once from the app container (DESIGN "Listeners"). */
export interface InternalRpcDeps {
  config: Config;
  logger: Logger;
  validator: TokenValidator;
  /** The DPoP check of ValidateToken (RFC 9449 §7.1). */
  dpop: DpopResourceProof;
  revoker: TokenRevoker;
  issuer: TokenIssuer;
  introspection: IntrospectionService;
  clients: ClientRegistry;
  bus: RevocationBus;
  sessions: SessionManager;
  logout: LogoutService;
  trustedIssuers: TrustedIssuerService;
}
