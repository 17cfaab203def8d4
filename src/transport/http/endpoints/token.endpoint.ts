import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { DI } from "../../../core/di-tokens.js";
import { DpopNonces } from "../../../core/pop/dpop/dpop-nonces.js";
import { dpopHeaderValues } from "../../../core/pop/dpop/dpop-request-key.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { TokenRequestHandler } from "../../../core/grants/token-request.handler.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";

/**
 * POST /token (RFC 6749 §3.2); responses are never cached (§5.1). When DPoP nonces are required, a request with a DPoP
 * proof gets the current nonce with its tokens too (RFC 9449 §8.2), so a client never pays a use_dpop_nonce round trip
 * when the nonce rotates.
 */
@injectable()
export class TokenEndpoint implements HttpEndpoint {
  readonly path = "/token";
  readonly methods = ["POST"] as const;

  constructor(
    @inject(TokenRequestHandler) private readonly handler: TokenRequestHandler,
    @inject(DI.Config) private readonly config: Config,
    @inject(DpopNonces) private readonly nonces: DpopNonces,
  ) {}

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    const body = await this.handler.handle(request);
    const nonce = this.config.dpopNonceRequired && dpopHeaderValues(request).length > 0 ? await this.nonces.current() : undefined;
    return { status: 200, headers: nonce === undefined ? noStore : { ...noStore, "dpop-nonce": nonce }, body };
  }
}
