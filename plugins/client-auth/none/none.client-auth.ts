import {
  ClientAttestationHeaders,
  headerValue,
  OAuthErrors,
  type AuthenticatedClient,
  type ClientAuthContext,
  type ClientAuthenticator,
  type EndpointRequest,
} from "portcullis/plugin-sdk";

const CREDENTIAL_PARAMETERS = ["client_secret", "client_assertion", "client_assertion_type"] as const;
const CREDENTIAL_HEADERS = ["authorization", ClientAttestationHeaders.attestation, ClientAttestationHeaders.pop] as const;

/** `none`: a public client identified by `client_id` alone; core accepts it only for clients registered as public (RFC 6749 §2.1, RFC 7591 §2). */
export class NoneClientAuth implements ClientAuthenticator {
  readonly method = "none";
  readonly parameters = ["client_id"] as const;

  /** True when the request names a client and carries no credentials of any kind (a client attestation is one, draft-ietf-oauth-attestation-based-client-auth §7.5). */
  detect(request: EndpointRequest): boolean {
    const { params } = request;
    return params.has("client_id") && !CREDENTIAL_HEADERS.some((name) => headerValue(request, name) !== undefined) && !CREDENTIAL_PARAMETERS.some((name) => params.has(name));
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
