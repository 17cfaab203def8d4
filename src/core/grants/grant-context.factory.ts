import { inject, injectable } from "tsyringe";
import type { GrantContext, GrantRequest } from "../../plugin-sdk/grant.js";
import { DI } from "../di-tokens.js";
import { AuthorizationCodeService } from "../codes/authorization-code.service.js";
import { AccessPolicy } from "../policy/access-policy.js";
import type { Clock } from "../ports/clock.js";
import { RefreshTokenService } from "../tokens/refresh-token.service.js";

/** Builds the capability facade handed to grants; every rule behind it lives in core (DESIGN "Plugin contracts"). */
@injectable()
export class GrantContextFactory {
  private readonly context: GrantContext;

  constructor(
    @inject(AccessPolicy) policy: AccessPolicy,
    @inject(RefreshTokenService) refreshTokens: RefreshTokenService,
    @inject(AuthorizationCodeService) codes: AuthorizationCodeService,
    @inject(DI.Clock) clock: Clock,
  ) {
    this.context = Object.freeze({
      now: () => clock.now(),
      resolveAccess: (request: GrantRequest, options?: { maxScopes?: readonly string[]; maxResources?: readonly string[] }) =>
        policy.resolve({ client: request.client.client, scope: request.params.get("scope"), resources: request.params.getAll("resource"), ...options }),
      refreshTokens: Object.freeze({ rotate: refreshTokens.rotate.bind(refreshTokens) }),
      codes: Object.freeze({
        redeem: (code: string, request: GrantRequest) =>
          codes.redeem(code, {
            clientId: request.client.client.clientId,
            redirectUri: request.params.get("redirect_uri"),
            codeVerifier: request.params.get("code_verifier"),
            publicClient: request.client.method === "none",
          }),
      }),
    });
  }

  /** The shared, stateless context (no per-request state is kept in it). */
  get(): GrantContext {
    return this.context;
  }
}
