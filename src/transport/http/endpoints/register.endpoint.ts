import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import type { ClientRegistry } from "../../../core/clients/client-registry.js";
import { InitialAccessTokens } from "../../../core/clients/initial-access-tokens.js";
import { DI } from "../../../core/di-tokens.js";
import { RateLimiter } from "../../../core/security/rate-limiter.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";
import { bearerToken, invalidBearerToken } from "./bearer-token.js";

/** POST /register (RFC 7591 §3): rate-limited per IP; an initial access token is required unless OPEN_REGISTRATION; 201 with the client information. */
@injectable()
export class RegisterEndpoint implements HttpEndpoint {
  readonly path = "/register";
  readonly methods = ["POST"] as const;
  readonly body = { POST: "json" } as const;

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.ClientRegistry) private readonly registry: ClientRegistry,
    @inject(InitialAccessTokens) private readonly initialAccessTokens: InitialAccessTokens,
    @inject(RateLimiter) private readonly rateLimiter: RateLimiter,
  ) {}

  async handle(request: EndpointRequest & { json?: unknown }): Promise<EndpointResponse> {
    await this.rateLimiter.hit(`register:${request.remoteAddress}`, this.config.registrationLimit);
    if (!this.config.openRegistration) {
      const token = bearerToken(request);
      if (token === undefined) throw invalidBearerToken("an initial access token is required");
      if (!(await this.initialAccessTokens.verify(token))) throw invalidBearerToken("the initial access token is invalid or expired");
    }
    const registered = await this.registry.register(request.json, "dynamic");
    return { status: 201, headers: noStore, body: this.registry.toResponse(registered) };
  }
}
