import { inject, injectable } from "tsyringe";
import { BackchannelLogoutNotifier } from "./backchannel-logout.notifier.js";
import { SessionManager } from "./session-manager.js";

/**
 * Ends SSO sessions and tells their RPs (OIDC RP-Initiated Logout §3, OIDC Back-Channel Logout §2.5): the session is
 * ended first, then logout tokens go out in the background, so a slow or failing RP never delays the user's logout.
 */
@injectable()
export class LogoutService {
  constructor(
    @inject(SessionManager) private readonly sessions: SessionManager,
    @inject(BackchannelLogoutNotifier) private readonly notifier: BackchannelLogoutNotifier,
  ) {}

  /** Ends the session (no-op when already ended or unknown) and queues back-channel logout to its clients without awaiting delivery. */
  async logout(sessionId: string): Promise<void> {
    await this.#end(sessionId);
  }

  /** Ends every live session of the user ("logout everywhere"), notifying each session's clients; returns how many were ended. */
  async logoutEverywhere(userId: string): Promise<number> {
    let ended = 0;
    for (const session of await this.sessions.listForUser(userId)) if (await this.#end(session.id)) ended++;
    return ended;
  }

  async #end(sessionId: string): Promise<boolean> {
    const ended = await this.sessions.end(sessionId);
    if (!ended) return false;
    this.notifier.notify(ended.session, ended.clientIds);
    return true;
  }
}
