import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { AuthorizationEndpointError } from "../../../core/authorize/authorization-request.js";
import { AuthorizationRequestValidator } from "../../../core/authorize/authorization-request.validator.js";
import { ClientAuthenticationService } from "../../../core/clients/client-authentication.service.js";
import { DI } from "../../../core/di-tokens.js";
import { PushedRequestService } from "../../../core/par/pushed-request.service.js";
import { RateLimiter } from "../../../core/security/rate-limiter.js";
import { SenderProofReader } from "../../../core/pop/sender-proof.reader.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";

/**
 * POST /par (RFC 9126 §2): the client authenticates as at /token (public clients by client_id), the request is
 * validated as the authorization endpoint would (errors as JSON, §2.3) and stored; 201 with a single-use request_uri.
 * Pushes are rate-limited per client (PAR_LIMIT per RATE_LIMIT_WINDOW, §2.4 429). A DPoP proof binds the request's code to
 * its key (RFC 9449 §10.1).
 */
@injectable()
export class ParEndpoint implements HttpEndpoint {
  readonly path = "/par";
  readonly methods = ["POST"] as const;

  constructor(
    @inject(ClientAuthenticationService) private readonly clientAuth: ClientAuthenticationService,
    @inject(AuthorizationRequestValidator) private readonly validator: AuthorizationRequestValidator,
    @inject(PushedRequestService) private readonly pushed: PushedRequestService,
    @inject(RateLimiter) private readonly rateLimiter: RateLimiter,
    @inject(DI.Config) private readonly config: Config,
    @inject(SenderProofReader) private readonly proofs: SenderProofReader,
  ) {}

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    const { client } = await this.clientAuth.authenticate(request, { allowPublic: true });
    await this.rateLimiter.hit(`par:${client.clientId}`, this.config.parLimit);
    const params = await this.validator.validateForPush(request.params, client).catch((error: unknown) => {
      // RFC 9126 §2.3: the same errors as the authorization endpoint, sent as a JSON error response.
      throw error instanceof AuthorizationEndpointError ? error.error : error;
    });
    const { requestUri, expiresIn } = await this.pushed.push(client.clientId, params, await this.proofs.presented(request, client));
    return { status: 201, headers: noStore, body: { request_uri: requestUri, expires_in: expiresIn } };
  }
}
