import { inject, injectable } from "tsyringe";
import type { CompletedLogin } from "../authn/sign-in.js";
import { LogoutService } from "./logout.service.js";
import type { Session } from "./session.js";
import { SessionManager } from "./session-manager.js";

/**
 * Turns a login the SignInMachine (core/authn) completed into the browser's SSO session (OIDC Core §3.1.2.3): the same
 * user re-authenticates in place (new auth_time, amr, acr); another user replaces the old session, which is logged out
 * (back-channel included). The machine decides the steps; this only records their result.
 */
@injectable()
export class SessionEstablisher {
  constructor(
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(LogoutService) private readonly logout: LogoutService,
  ) {}

  /** The session the login now belongs to, and the new cookie value when a new session was started. */
  async establish(login: CompletedLogin, current: Session | undefined): Promise<{ session: Session; cookieValue?: string }> {
    const facts = { authTime: login.authTime, amr: login.amr, acr: login.acr };
    if (current?.userId === login.userId) return { session: await this.sessions.reauthenticate(current.id, facts) };
    if (current) await this.logout.logout(current.id);
    return this.sessions.start({ userId: login.userId, ...facts });
  }
}
