import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { DI } from "../../../core/di-tokens.js";
import type { TokenValidator } from "../../../core/tokens/access-token.js";
import { UserinfoService } from "../../../core/users/userinfo.service.js";
import { OAuthError, type OAuthErrorCode } from "../../../plugin-sdk/errors.js";
import type { FormParams } from "../../../plugin-sdk/form-params.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { certificateThumbprint } from "../../../core/security/certificate-thumbprint.js";
import { unmetRequirement } from "../../../core/tokens/token-requirements.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";
import { parseForm } from "../parse-form.js";
import { bearerChallenge, parseBearerHeader } from "./bearer-token.js";

const OPENID = ["openid"] as const;

/**
 * GET and POST /userinfo (OIDC Core §5.3, RFC 6750): the access token comes from the Authorization header, the form
 * body (POST) or, when USERINFO_QUERY_TOKEN is on, the query; exactly one of them (RFC 6750 §2). Errors carry a
 * `WWW-Authenticate: Bearer` challenge (§3): none sent → 401 without an error code; unusable → 401 invalid_token;
 * no `openid` scope → 403 insufficient_scope. DPoP-bound tokens are not accepted yet (invalid_token).
 */
@injectable()
export class UserinfoEndpoint implements HttpEndpoint {
  readonly path = "/userinfo";
  readonly methods = ["GET", "POST"] as const;
  readonly body = { POST: "optional-form" } as const;

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.TokenValidator) private readonly validator: TokenValidator,
    @inject(UserinfoService) private readonly userinfo: UserinfoService,
  ) {}

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    const token = this.presentedToken(request);
    if (token === undefined) return { status: 401, headers: { ...noStore, "www-authenticate": bearerChallenge({ realm: this.config.issuer }) } };
    const active = await this.validator.validateAccessToken(token);
    if (!active) throw this.challenge("invalid_token", "the access token is invalid, expired or revoked");
    const thumbprint = request.clientCertificate && certificateThumbprint(request.clientCertificate);
    const unmet = unmetRequirement(active, { requiredScopes: OPENID, ...(thumbprint ? { certificateThumbprint: thumbprint } : {}) });
    if (unmet === "insufficient_scope") throw this.challenge(unmet, "the access token was not granted the openid scope", "openid");
    if (unmet) throw this.challenge(unmet, "the access token cannot be used here");
    const response = await this.userinfo.respond(active);
    if (!response) throw this.challenge("invalid_token", "the access token's user or client is no longer active");
    if (response.format === "json") return { status: 200, headers: noStore, body: response.claims };
    return { status: 200, headers: { ...noStore, "content-type": "application/jwt" }, body: response.jwt };
  }

  /** The one access token sent (RFC 6750 §2.1–2.3), undefined when none; invalid_request when several or malformed. */
  private presentedToken(request: EndpointRequest): string | undefined {
    const header = parseBearerHeader(request);
    if (header.kind === "malformed") throw this.challenge("invalid_request", "the Authorization header is malformed or repeated");
    const body = request.method === "POST" ? this.parameter(request.params) : undefined;
    const query = this.parameter(request.method === "GET" ? request.params : queryOf(request.url));
    if (query !== undefined && !this.config.userinfoQueryToken) throw this.challenge("invalid_request", "access_token in the query string is not supported");
    const sent = [header.kind === "token" ? header.token : undefined, body, query].filter((t) => t !== undefined);
    if (sent.length > 1) throw this.challenge("invalid_request", "the access token must be sent by exactly one method");
    return sent[0];
  }

  private parameter(params: FormParams): string | undefined {
    try {
      params.rejectRepeated({ only: ["access_token"] });
    } catch (error) {
      throw this.challenge("invalid_request", (error as OAuthError).description ?? "");
    }
    return params.get("access_token");
  }

  /** An RFC 6750 §3.1 error with its `WWW-Authenticate: Bearer` challenge (status from the error table). */
  private challenge(error: OAuthErrorCode, description: string, scope?: string): OAuthError {
    const made = new OAuthError(error, description);
    made.headers["www-authenticate"] = bearerChallenge({ realm: this.config.issuer, error, description: made.description, ...(scope ? { scope } : {}) });
    return made;
  }
}

function queryOf(url: string): FormParams {
  const index = url.indexOf("?");
  return parseForm(index === -1 ? "" : url.slice(index + 1));
}
