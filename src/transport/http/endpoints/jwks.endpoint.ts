import { inject, injectable } from "tsyringe";
import { DI } from "../../../core/di-tokens.js";
import type { KeyService } from "../../../core/keys/key-service.js";
import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";

/** GET /jwks: the public signing keys (RFC 7517 §5), including retired keys until their tokens expire. */
@injectable()
export class JwksEndpoint implements HttpEndpoint {
  readonly path = "/jwks";
  readonly methods = ["GET", "HEAD"] as const;

  constructor(@inject(DI.Keys) private readonly keys: KeyService) {}

  async handle(): Promise<EndpointResponse> {
    return {
      status: 200,
      headers: { "content-type": "application/jwk-set+json", "cache-control": "public, max-age=60", "access-control-allow-origin": "*" },
      body: JSON.stringify(this.keys.jwks()),
    };
  }
}
