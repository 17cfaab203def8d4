import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { ClientAuthenticationService } from "../../../core/clients/client-authentication.service.js";
import { DI } from "../../../core/di-tokens.js";
import { RateLimiter } from "../../../core/security/rate-limiter.js";
import { IntrospectionService } from "../../../core/tokens/introspection.service.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";
import { singleParameter } from "../single-parameter.js";

/** POST /introspect (RFC 7662 §2); confidential clients only, rate-limited per client against token scanning (§4). */
@injectable()
export class IntrospectEndpoint implements HttpEndpoint {
  readonly path = "/introspect";
  readonly methods = ["POST"] as const;

  constructor(
    @inject(ClientAuthenticationService) private readonly clientAuth: ClientAuthenticationService,
    @inject(IntrospectionService) private readonly introspection: IntrospectionService,
    @inject(RateLimiter) private readonly rateLimiter: RateLimiter,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    const caller = await this.clientAuth.authenticate(request);
    await this.rateLimiter.hit(`introspect:${caller.client.clientId}`, this.config.introspectionLimit);
    const token = singleParameter(request, "token");
    const body = await this.introspection.introspect(token, request.params.get("token_type_hint"), caller);
    return { status: 200, headers: noStore, body };
  }
}
