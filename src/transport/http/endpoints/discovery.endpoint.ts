import { inject, injectable } from "tsyringe";
import { ServerMetadata } from "../../../core/discovery/server-metadata.js";
import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";

const publicJson = { "cache-control": "public, max-age=60", "access-control-allow-origin": "*" };

/** GET /.well-known/oauth-authorization-server (RFC 8414 §3). */
@injectable()
export class OAuthMetadataEndpoint implements HttpEndpoint {
  readonly path = "/.well-known/oauth-authorization-server";
  readonly methods = ["GET", "HEAD"] as const;

  constructor(@inject(ServerMetadata) private readonly metadata: ServerMetadata) {}

  async handle(): Promise<EndpointResponse> {
    return { status: 200, headers: publicJson, body: await this.metadata.oauth() };
  }
}

/** GET /.well-known/openid-configuration (OIDC Discovery 1.0 §4). */
@injectable()
export class OpenIdConfigurationEndpoint implements HttpEndpoint {
  readonly path = "/.well-known/openid-configuration";
  readonly methods = ["GET", "HEAD"] as const;

  constructor(@inject(ServerMetadata) private readonly metadata: ServerMetadata) {}

  async handle(): Promise<EndpointResponse> {
    return { status: 200, headers: publicJson, body: await this.metadata.openid() };
  }
}
