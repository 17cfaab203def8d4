import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import { secretDigest } from "../security/digest.js";
import type { Session } from "./session.js";

/** Session/client pairs this process knows are recorded, so a repeat authorization writes nothing (bounded, oldest dropped first). */
const RECORDED_PAIRS = 10_000;
/** Random bytes in a session cookie value (256 bits). */
const COOKIE_BYTES = 32;
/** The only shape `start` issues: 32 bytes as unpadded base64url. */
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** Facts of one authentication of the user (OIDC Core §2 auth_time, amr, acr). */
export interface AuthenticationFacts {
  /** Epoch seconds. */
  authTime: number;
  amr: string[];
  acr?: string;
}

/**
 * The browser's SSO session at this OP (OIDC Core §3.1.2.3): the cookie carries a 256-bit random secret of which only
 * the SHA-256 digest is stored; the session id (`sid`) is a separate random identifier. Sessions last SESSION_TTL from
 * sign-in; re-authentication updates auth_time, amr and acr without extending them.
 */
@injectable()
export class SessionManager {
  /** `sid client_id` pairs already in storage: rows are only removed with their dead session, so a pair never goes stale while it matters. */
  readonly #recorded = new Set<string>();

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Durable) private readonly storage: DurableStorage,
  ) {}

  /** Starts a session for a freshly authenticated user; `cookieValue` goes to the browser and is never stored. */
  async start(facts: AuthenticationFacts & { userId: string }): Promise<{ session: Session; cookieValue: string }> {
    const now = this.clock.now();
    const cookieValue = this.random.token(COOKIE_BYTES);
    const session: Session = {
      id: this.random.id(),
      userId: facts.userId,
      authTime: facts.authTime,
      amr: facts.amr,
      ...(facts.acr !== undefined && { acr: facts.acr }),
      createdAt: now,
      expiresAt: now + this.config.sessionTtl * 1000,
    };
    await this.storage.sessions.insert(session, secretDigest(cookieValue));
    return { session, cookieValue };
  }

  /** The live session the cookie value belongs to; undefined for absent, malformed, unknown, ended or expired values. */
  async fromCookie(value: string | undefined): Promise<Session | undefined> {
    if (value === undefined || !COOKIE_VALUE.test(value)) return undefined;
    return this.live(await this.storage.sessions.findByCookieDigest(secretDigest(value)));
  }

  /** The live session with this id (`sid`), or undefined. */
  async get(id: string): Promise<Session | undefined> {
    return this.live(await this.storage.sessions.findById(id));
  }

  /** Records a new authentication in a live session (prompt=login, max_age, step-up); login_required when it is no longer live. */
  async reauthenticate(sessionId: string, facts: AuthenticationFacts): Promise<Session> {
    const session = await this.get(sessionId);
    if (!session) throw OAuthErrors.loginRequired("the session has ended");
    await this.storage.sessions.updateAuthentication(sessionId, facts);
    const { acr: _previous, ...rest } = session;
    return { ...rest, authTime: facts.authTime, amr: facts.amr, ...(facts.acr !== undefined && { acr: facts.acr }) };
  }

  /**
   * Remembers that the client received tokens in the session, for back-channel logout (idempotent; OIDC Back-Channel
   * Logout §2.1); a pair this process already wrote is not written again (DESIGN "Hot paths": SSO authorizations).
   */
  async recordClient(sessionId: string, clientId: string): Promise<void> {
    const pair = `${sessionId} ${clientId}`;
    if (this.#recorded.has(pair)) return;
    await this.storage.sessions.addClient(sessionId, clientId);
    if (this.#recorded.size >= RECORDED_PAIRS) this.#recorded.delete(this.#recorded.values().next().value!);
    this.#recorded.add(pair);
  }

  /** The clients that received tokens in the session, sorted. */
  async clientIds(sessionId: string): Promise<string[]> {
    return this.storage.sessions.clientIds(sessionId);
  }

  /** Ends the session (OIDC RP-Initiated Logout §2); the ended session and its clients, or undefined when absent or already ended. */
  async end(sessionId: string): Promise<{ session: Session; clientIds: string[] } | undefined> {
    const session = await this.storage.sessions.findById(sessionId);
    if (!session) return undefined;
    const endedAt = this.clock.now();
    if (!(await this.storage.sessions.end(sessionId, endedAt))) return undefined;
    return { session: { ...session, endedAt }, clientIds: await this.storage.sessions.clientIds(sessionId) };
  }

  /** The user's live sessions, newest first. */
  async listForUser(userId: string): Promise<Session[]> {
    return this.storage.sessions.listByUser(userId, this.clock.now());
  }

  /** Seconds the session has left: the Max-Age of its cookie (RFC 6265 §4.1.2.2). */
  cookieMaxAge(session: Session): number {
    return Math.max(0, Math.floor((session.expiresAt - this.clock.now()) / 1000));
  }

  private live(session: Session | undefined): Session | undefined {
    return session && session.endedAt === undefined && session.expiresAt > this.clock.now() ? session : undefined;
  }
}
