import { inject, injectable } from "tsyringe";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { GrantHandler } from "../../plugin-sdk/grant.js";
import type { EndpointRequest } from "../../plugin-sdk/request.js";
import { ClientAuthenticationService } from "../clients/client-authentication.service.js";
import { toOAuthError } from "../errors/error-table.js";
import { ProtocolMetricsToken, type ProtocolMetrics } from "../ports/protocol-metrics.js";
import { TokenIssuer, type TokenResponse } from "../tokens/token-issuer.js";
import { SenderProofReader } from "../pop/sender-proof.reader.js";
import { GrantContextFactory } from "./grant-context.factory.js";
import { GrantHandlersToken } from "./grant-handlers.js";
import { grantTypesOf } from "../../plugin-sdk/client-metadata-defaults.js";

/**
 * The token endpoint's protocol logic (RFC 6749 §3.2, §5): grant lookup, duplicate rejection, parameter
 * allow-lists, client authentication, the client's registered grant types, then the grant's decision and minting.
 */
@injectable()
export class TokenRequestHandler {
  private readonly allowLists = new Map<string, ReadonlySet<string>>();

  constructor(
    @inject(GrantHandlersToken) private readonly grants: ReadonlyMap<string, GrantHandler>,
    @inject(ClientAuthenticationService) private readonly clientAuth: ClientAuthenticationService,
    @inject(GrantContextFactory) private readonly contexts: GrantContextFactory,
    @inject(TokenIssuer) private readonly issuer: TokenIssuer,
    @inject(SenderProofReader) private readonly proofs: SenderProofReader,
    @inject(ProtocolMetricsToken) private readonly metrics: ProtocolMetrics,
  ) {
    for (const [type, grant] of grants) this.allowLists.set(type, new Set(["grant_type", ...grant.parameters]));
  }

  /** Answers one token request and counts it by grant type ("other" for a missing or unsupported one) and outcome. */
  async handle(request: EndpointRequest): Promise<TokenResponse> {
    const requested = request.params.get("grant_type");
    const grantLabel = requested !== undefined && this.grants.has(requested) ? requested : "other";
    try {
      const response = await this.answer(request);
      this.metrics.tokenRequest(grantLabel, "issued");
      return response;
    } catch (error) {
      this.metrics.tokenRequest(grantLabel, toOAuthError(error).error);
      throw error;
    }
  }

  private async answer(request: EndpointRequest): Promise<TokenResponse> {
    const params = request.params;
    params.rejectRepeated({ only: ["grant_type"] });
    const grantType = params.get("grant_type");
    if (!grantType) throw OAuthErrors.invalidRequest("grant_type is required");
    const grant = this.grants.get(grantType);
    if (!grant) throw OAuthErrors.unsupportedGrantType(`grant_type "${grantType}" is not supported`);
    const allowed = this.allowLists.get(grantType)!;
    params.rejectRepeated({ repeatable: grant.repeatable });

    const caller = await this.clientAuth.authenticate(request, { allowPublic: true });
    if (grant.clientAuthentication === "required" && caller.method === "none") {
      throw OAuthErrors.unauthorizedClient(`public clients may not use ${grantType}`);
    }
    const registered = grantTypesOf(caller.client.metadata);
    if (!registered.includes(grantType)) throw OAuthErrors.unauthorizedClient(`the client is not registered for ${grantType}`);

    const binding = await this.proofs.read(request, caller.client);
    const filtered = params.pick(allowed);
    const decision = await grant.handle({ grantType, params: filtered, client: caller, remoteAddress: request.remoteAddress, binding }, this.contexts.get(grant));
    return (await this.issuer.issue(caller.client, grantType, decision, { binding })).response;
  }
}
