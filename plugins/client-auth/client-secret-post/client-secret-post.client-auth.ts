import { authenticateBySecret } from "portcullis/plugin-sdk";
import type { AuthenticatedClient, ClientAuthContext, ClientAuthenticator, EndpointRequest } from "portcullis/plugin-sdk";

/** `client_secret_post`: `client_id` and `client_secret` in the request body (RFC 6749 §2.3.1). */
export class ClientSecretPostClientAuth implements ClientAuthenticator {
  readonly method = "client_secret_post";
  readonly parameters = ["client_id", "client_secret"] as const;

  detect(request: EndpointRequest): boolean {
    return request.params.has("client_secret");
  }

  claimedClientId(request: EndpointRequest): string | undefined {
    return request.params.get("client_id");
  }

  async authenticate(request: EndpointRequest, ctx: ClientAuthContext): Promise<AuthenticatedClient> {
    return authenticateBySecret(ctx, request.params.get("client_id"), request.params.get("client_secret") ?? "", this.method);
  }
}
