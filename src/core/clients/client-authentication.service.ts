import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { ClientAuthContext, ClientAuthenticator } from "../../plugin-sdk/client-auth.js";
import type { AuthenticatedClient } from "../../plugin-sdk/client.js";
import { isOAuthError, OAuthError, OAuthErrors } from "../../plugin-sdk/errors.js";
import { headerValue, type EndpointRequest } from "../../plugin-sdk/request.js";
import { DI } from "../di-tokens.js";
import { ProtocolMetricsToken, type ProtocolMetrics } from "../ports/protocol-metrics.js";
import { mappingFor } from "../errors/error-table.js";
import { AuthFailureThrottle } from "./auth-failure-throttle.js";
import { CoreClientAuthContext } from "./client-auth-context.js";
import { ClientAuthenticatorsToken } from "./client-auth.tokens.js";
import { authMethodOf } from "../../plugin-sdk/client-metadata-defaults.js";

export interface ClientAuthenticationOptions {
  /** Accept a public client identified by `client_id` alone (method "none"); default false. */
  allowPublic?: boolean;
}

/**
 * Client authentication at an endpoint (RFC 6749 §2.3): exactly one method present, equal to the client's registered
 * `token_endpoint_auth_method`; failures throttled before any credential is checked (RFC 6749 §10.10).
 */
@injectable()
export class ClientAuthenticationService {
  constructor(
    @inject(ClientAuthenticatorsToken) private readonly authenticators: readonly ClientAuthenticator[],
    @inject(CoreClientAuthContext) private readonly context: ClientAuthContext,
    @inject(AuthFailureThrottle) private readonly throttle: AuthFailureThrottle,
    @inject(DI.Config) private readonly config: Config,
    @inject(ProtocolMetricsToken) private readonly metrics: ProtocolMetrics,
  ) {}

  /**
   * The authenticated client; throws 400 `invalid_request` for several methods, 429 when locked out, else a 401 failure
   * (RFC 6749 §5.2 `invalid_client`, or a method's own, e.g. `invalid_client_attestation`), which is counted.
   */
  async authenticate(request: EndpointRequest, options: ClientAuthenticationOptions = {}): Promise<AuthenticatedClient> {
    const detected = this.authenticators.filter((authenticator) => authenticator.detect(request));
    if (detected.length > 1 && !detected.every((authenticator) => authenticator.ambient === true)) {
      throw OAuthErrors.invalidRequest(`more than one client authentication method used (${detected.map((a) => a.method).join(", ")})`);
    }
    const clientId = detected[0]?.claimedClientId(request);
    await this.throttle.check(request.remoteAddress, clientId);
    let method: ClientAuthenticator | undefined;
    try {
      method = detected.length > 1 ? await this.registeredAmong(detected, clientId) : detected[0];
      if (!method) throw OAuthErrors.invalidClient("client authentication required");
      const authenticated = await method.authenticate(request, this.context);
      const registered = authMethodOf(authenticated.client.metadata);
      if (authenticated.method !== registered) throw OAuthErrors.invalidClient("client authentication method does not match the registered one");
      if (registered === "none" && !options.allowPublic) throw OAuthErrors.invalidClient("client authentication required");
      this.metrics.clientAuthentication(registered, "success");
      return authenticated;
    } catch (error) {
      if (!isOAuthError(error) || mappingFor(error).status !== 401) throw error;
      this.metrics.clientAuthentication(method?.method ?? "other", "failure");
      await this.throttle.record(request.remoteAddress, clientId);
      throw this.withChallenge(error, request);
    }
  }

  /**
   * Among ambient methods (`none`, mutual TLS) the one the named client registered (RFC 8705 §2); an unknown client or a
   * method it did not register fails as `invalid_client` in the first detected method's hands.
   */
  private async registeredAmong(detected: readonly ClientAuthenticator[], clientId: string | undefined): Promise<ClientAuthenticator> {
    const client = clientId === undefined ? undefined : await this.context.findClient(clientId);
    const registered = client && authMethodOf(client.metadata);
    return detected.find((authenticator) => authenticator.method === registered) ?? detected[0]!;
  }

  /** A failure after credentials in the Authorization header MUST be 401 with WWW-Authenticate (RFC 6749 §5.2). */
  private withChallenge(error: OAuthError, request: EndpointRequest): OAuthError {
    if (headerValue(request, "authorization") === undefined) return error;
    return new OAuthError(error.error, error.description, {
      cause: error.cause,
      status: 401,
      headers: { ...error.headers, "www-authenticate": `Basic realm="${this.config.issuer}"` },
    });
  }
}
