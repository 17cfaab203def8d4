import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { acrFor } from "../../../core/authn/acr.js";
import type { PendingLogin } from "../../../core/authorize/interaction.store.js";
import { DI } from "../../../core/di-tokens.js";
import type { Clock } from "../../../core/ports/clock.js";
import { LogoutService } from "../../../core/sessions/logout.service.js";
import type { Session } from "../../../core/sessions/session.js";
import { SessionManager } from "../../../core/sessions/session-manager.js";
import { BrowserCookies } from "./browser-cookies.js";

/**
 * Turns a completed login into the browser's SSO session (OIDC Core §3.1.2.3): the same user re-authenticates in place
 * (new auth_time, amr, acr); another user replaces the old session, which is logged out (back-channel included).
 */
@injectable()
export class SignIn {
  private readonly cookies: BrowserCookies;

  constructor(
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(LogoutService) private readonly logout: LogoutService,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Config) config: Config,
  ) {
    this.cookies = new BrowserCookies(config);
  }

  /** The session the login now belongs to, and the Set-Cookie header when a new session was started. */
  async complete(login: PendingLogin, current: Session | undefined): Promise<{ session: Session; setCookie?: string }> {
    const facts = { authTime: Math.floor(this.clock.now() / 1000), amr: login.amr, acr: acrFor(login.amr) };
    if (current?.userId === login.userId) return { session: await this.sessions.reauthenticate(current.id, facts) };
    if (current) await this.logout.logout(current.id);
    const started = await this.sessions.start({ userId: login.userId, ...facts });
    const maxAge = Math.max(0, Math.floor((started.session.expiresAt - this.clock.now()) / 1000));
    return { session: started.session, setCookie: this.cookies.session(started.cookieValue, maxAge) };
  }
}
