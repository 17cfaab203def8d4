import { inject, injectable } from "tsyringe";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { TokenRequestHandler } from "../../../core/grants/token-request.handler.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";

/** POST /token (RFC 6749 §3.2); responses are never cached (§5.1). */
@injectable()
export class TokenEndpoint implements HttpEndpoint {
  readonly path = "/token";
  readonly methods = ["POST"] as const;

  constructor(@inject(TokenRequestHandler) private readonly handler: TokenRequestHandler) {}

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    return { status: 200, headers: noStore, body: await this.handler.handle(request) };
  }
}
