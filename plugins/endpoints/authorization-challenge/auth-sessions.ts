import { createHash, randomBytes } from "node:crypto";
import type { PluginClock, SenderBinding, SingleUseStore } from "portcullis/plugin-sdk";

/** How long a first-party sign-in may take, from its first request to the code, across every rotation (draft §9.6.2). */
export const AUTH_SESSION_TTL_MS = 10 * 60_000;

/** The authorization request an auth_session continues (draft §5.1), minus the client. */
export interface ChallengeRequest {
  scope?: string | undefined;
  resources: string[];
  codeChallenge: string | undefined;
  codeChallengeMethod?: string | undefined;
  nonce?: string | undefined;
}

/** What an auth_session stands for (draft §5.3.1): the client, its request and core's sealed sign-in state. */
export interface AuthSession {
  clientId: string;
  request: ChallengeRequest;
  /** DirectSignIn's opaque state. */
  signIn: string;
  /** Epoch ms after which the whole sign-in is over. */
  expiresAt: number;
  /** The DPoP key the first request proved (draft §9.6.1): every follow-up and the code are bound to it. */
  binding?: SenderBinding;
}

const keyOf = (value: string) => `auth-session:${createHash("sha256").update(value).digest("base64url")}`;

/**
 * auth_session values (draft §5.3.1, §9.6): 256 random bits handed to the client, kept only as their SHA-256 digest in
 * the plugin's namespace of the shared ephemeral store, single use (every answer carries a new one) and expiring.
 */
export class AuthSessions {
  constructor(
    private readonly store: SingleUseStore,
    private readonly clock: PluginClock,
  ) {}

  /** Stores `session` under a new value, until its deadline; undefined when the deadline has passed. */
  async issue(session: AuthSession): Promise<string | undefined> {
    const ttlMs = session.expiresAt - this.clock.now();
    if (ttlMs <= 0) return undefined;
    const value = randomBytes(32).toString("base64url");
    await this.store.put(keyOf(value), JSON.stringify(session), ttlMs);
    return value;
  }

  /** The session a value stands for, without using it up; undefined when unknown, expired or used. */
  async find(value: string): Promise<AuthSession | undefined> {
    const stored = await this.store.get(keyOf(value));
    return stored === undefined ? undefined : (JSON.parse(stored) as AuthSession);
  }

  /** Uses a value up atomically: of concurrent requests presenting it, exactly one gets true. */
  async take(value: string): Promise<boolean> {
    return (await this.store.take(keyOf(value))) !== undefined;
  }

  async discard(value: string): Promise<void> {
    await this.store.delete(keyOf(value));
  }
}
