import { namesClientOnly, OAuthErrors, type AuthenticatedClient, type ClientAuthContext, type ClientAuthenticator, type EndpointRequest } from "portcullis/plugin-sdk";

/** `none`: a public client identified by `client_id` alone; core accepts it only for clients registered as public (RFC 6749 §2.1, RFC 7591 §2). */
export class NoneClientAuth implements ClientAuthenticator {
  readonly method = "none";
  readonly parameters = ["client_id"] as const;
  readonly ambient = true;

  /** True when the request names a client and carries no credentials of any kind (RFC 6749 §2.1). */
  detect(request: EndpointRequest): boolean {
    return namesClientOnly(request);
  }

  claimedClientId(request: EndpointRequest): string | undefined {
    return request.params.get("client_id");
  }

  async authenticate(request: EndpointRequest, ctx: ClientAuthContext): Promise<AuthenticatedClient> {
    const clientId = request.params.get("client_id");
    const client = clientId === undefined ? undefined : await ctx.findClient(clientId);
    if (!client) throw OAuthErrors.invalidClient("client authentication failed");
    return { client, method: this.method };
  }
}
