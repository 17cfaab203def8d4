import { inject, injectable } from "tsyringe";
import type { GrantContext, GrantRequest } from "../../plugin-sdk/grant.js";
import { DI } from "../di-tokens.js";
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
    @inject(DI.Clock) clock: Clock,
  ) {
    this.context = Object.freeze({
      now: () => clock.now(),
      resolveAccess: (request: GrantRequest, options?: { maxScopes?: readonly string[]; maxResources?: readonly string[] }) =>
        policy.resolve({ client: request.client.client, scope: request.params.get("scope"), resources: request.params.getAll("resource"), ...options }),
      refreshTokens: Object.freeze({ rotate: refreshTokens.rotate.bind(refreshTokens) }),
    });
  }

  /** The shared, stateless context (no per-request state is kept in it). */
  get(): GrantContext {
    return this.context;
  }
}
