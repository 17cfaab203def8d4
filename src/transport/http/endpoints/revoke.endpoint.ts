import { inject, injectable } from "tsyringe";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { ClientAuthenticationService } from "../../../core/clients/client-authentication.service.js";
import { TokenRevoker } from "../../../core/tokens/token-revoker.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";
import { singleParameter } from "../single-parameter.js";

/** POST /revoke (RFC 7009 §2); unknown or already invalid tokens answer 200 (§2.2). */
@injectable()
export class RevokeEndpoint implements HttpEndpoint {
  readonly path = "/revoke";
  readonly methods = ["POST"] as const;

  constructor(
    @inject(ClientAuthenticationService) private readonly clientAuth: ClientAuthenticationService,
    @inject(TokenRevoker) private readonly revoker: TokenRevoker,
  ) {}

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    const caller = await this.clientAuth.authenticate(request, { allowPublic: true });
    await this.revoker.revoke(singleParameter(request, "token"), request.params.get("token_type_hint"), caller);
    return { status: 200, headers: noStore };
  }
}
