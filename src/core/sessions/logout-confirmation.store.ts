import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import type { RandomSource } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { secretDigest } from "../security/digest.js";

/** How long the user may take to answer the logout confirmation (ms). */
export const LOGOUT_CONFIRMATION_TTL_MS = 10 * 60 * 1000;

/** A validated logout request waiting for the user's answer, bound to the session it would end. */
export interface PendingLogout {
  sessionId: string;
  clientId?: string;
  postLogoutRedirectUri?: string;
  state?: string;
  uiLocales?: string;
}

const key = (csrf: string) => `logout:${secretDigest(csrf)}`;
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/**
 * Logout confirmations (OIDC RP-Initiated Logout §2 "ask the End-User") in the EphemeralStore: the confirmation form's
 * 256-bit anti-CSRF token is the key (stored as its digest), it lives LOGOUT_CONFIRMATION_TTL_MS and is consumed once.
 */
@injectable()
export class LogoutConfirmationStore {
  constructor(
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Random) private readonly random: RandomSource,
  ) {}

  /** Stores `pending` and returns the anti-CSRF token the confirmation form must post back. */
  async issue(pending: PendingLogout): Promise<string> {
    const csrf = this.random.token(32);
    await this.store.put(key(csrf), JSON.stringify(pending), LOGOUT_CONFIRMATION_TTL_MS);
    return csrf;
  }

  /** Atomically takes the pending logout of `csrf`; undefined when unknown, expired, malformed or already used. */
  async consume(csrf: string | undefined): Promise<PendingLogout | undefined> {
    if (csrf === undefined || !WELL_FORMED.test(csrf)) return undefined;
    const stored = await this.store.take(key(csrf));
    return stored === undefined ? undefined : (JSON.parse(stored) as PendingLogout);
  }
}
