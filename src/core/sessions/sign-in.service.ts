import { inject, injectable } from "tsyringe";
import { acrFor } from "../authn/acr.js";
import type { PendingLogin } from "../authorize/interaction.store.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import { LogoutService } from "./logout.service.js";
import type { Session } from "./session.js";
import { SessionManager } from "./session-manager.js";

/**
 * Turns a completed login into the browser's SSO session (OIDC Core §3.1.2.3): the same user re-authenticates in place
 * (new auth_time, amr, acr); another user replaces the old session, which is logged out (back-channel included).
 */
@injectable()
export class SignInService {
  constructor(
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(LogoutService) private readonly logout: LogoutService,
    @inject(DI.Clock) private readonly clock: Clock,
  ) {}

  /** The session the login now belongs to, and the new cookie value when a new session was started. */
  async complete(login: PendingLogin, current: Session | undefined): Promise<{ session: Session; cookieValue?: string }> {
    const facts = { authTime: Math.floor(this.clock.now() / 1000), amr: login.amr, acr: acrFor(login.amr) };
    if (current?.userId === login.userId) return { session: await this.sessions.reauthenticate(current.id, facts) };
    if (current) await this.logout.logout(current.id);
    return this.sessions.start({ userId: login.userId, ...facts });
  }
}
