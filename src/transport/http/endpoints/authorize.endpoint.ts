import { inject, injectable } from "tsyringe";
import { AuthorizationRequestValidator } from "../../../core/authorize/authorization-request.validator.js";
import { SessionManager } from "../../../core/sessions/session-manager.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { AuthorizationSteps } from "../authorize/authorization-steps.js";
import { readCookie, SESSION_COOKIE } from "../cookies.js";
import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";

/** GET and POST /authorize (RFC 6749 §3.1, OIDC Core §3.1.2.1): validate, then complete with the SSO session or interact. */
@injectable()
export class AuthorizeEndpoint implements HttpEndpoint {
  readonly path = "/authorize";
  readonly methods = ["GET", "POST"] as const;

  constructor(
    @inject(AuthorizationRequestValidator) private readonly validator: AuthorizationRequestValidator,
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(AuthorizationSteps) private readonly steps: AuthorizationSteps,
  ) {}

  async handle(http: EndpointRequest): Promise<EndpointResponse> {
    let request;
    try {
      request = await this.validator.validate(http.params, { via: "authorize" });
    } catch (thrown) {
      return this.steps.fail(thrown);
    }
    const session = await this.sessions.fromCookie(readCookie(http, SESSION_COOKIE));
    return this.steps.advance(request, session);
  }
}
