import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import type { ClientRegistry } from "../../../core/clients/client-registry.js";
import { InitialAccessTokens } from "../../../core/clients/initial-access-tokens.js";
import { RegistrationEvidence } from "../../../core/clients/registration-evidence.js";
import type { RegistrationPolicy } from "../../../core/clients/registration-policy.js";
import { DI } from "../../../core/di-tokens.js";
import { RateLimiter } from "../../../core/security/rate-limiter.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";
import { bearerToken, invalidBearerToken } from "./bearer-token.js";

/**
 * POST /register (RFC 7591 §3): rate-limited per IP; an initial access token is required unless OPEN_REGISTRATION, and
 * its policy may require a software statement (§2.3) or attestation evidence; 201 with the client information.
 */
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
    @inject(RegistrationEvidence) private readonly evidence: RegistrationEvidence,
  ) {}

  async handle(request: EndpointRequest & { json?: unknown }): Promise<EndpointResponse> {
    await this.rateLimiter.hit(`register:${request.remoteAddress}`, this.config.registrationLimit);
    const policy = await this.policyOf(request);
    await this.evidence.check(request.json, policy);
    const registered = await this.registry.register(request.json, "dynamic", policy);
    return { status: 201, headers: noStore, body: this.registry.toResponse(registered) };
  }

  /** The initial access token's requirements; nothing is required under open registration. 401 without a live token. */
  private async policyOf(request: EndpointRequest): Promise<RegistrationPolicy> {
    if (this.config.openRegistration) return {};
    const token = bearerToken(request);
    if (token === undefined) throw invalidBearerToken("an initial access token is required");
    const policy = await this.initialAccessTokens.policyOf(token);
    if (!policy) throw invalidBearerToken("the initial access token is invalid or expired");
    return policy;
  }
}
