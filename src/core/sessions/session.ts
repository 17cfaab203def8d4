/** A user's SSO session at this OP (OIDC Core §3.1.2.3; `sid` of OIDC Front/Back-Channel Logout §2.1). */
export interface Session {
  /** The `sid` claim: random, ≥ 128 bits, never the cookie value. */
  id: string;
  userId: string;
  /** Epoch seconds of the last authentication (OIDC Core §2 auth_time). */
  authTime: number;
  /** RFC 8176 methods of the last authentication, e.g. ["pwd"], ["pwd", "otp"]. */
  amr: string[];
  acr?: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the session is dead after this instant. */
  expiresAt: number;
  /** Epoch ms; set when the session was ended (logout). */
  endedAt?: number;
}

/** Sessions by the SHA-256 digest of their cookie value, plus the clients that received tokens in them. */
export interface SessionRepository {
  insert(session: Session, cookieDigest: string): Promise<void>;
  /** The session whose cookie has this digest, live or not. */
  findByCookieDigest(cookieDigest: string): Promise<Session | undefined>;
  findById(id: string): Promise<Session | undefined>;
  /** Live (not ended, not expired at `now`) sessions of a user, newest first. */
  listByUser(userId: string, now: number): Promise<Session[]>;
  /** Records a re-authentication in the same session (prompt=login, max_age, step-up). */
  updateAuthentication(id: string, facts: { authTime: number; amr: string[]; acr?: string }): Promise<void>;
  /** Ends the session; false when already ended or absent. */
  end(id: string, endedAt: number): Promise<boolean>;
  /** Remembers that `clientId` received tokens in the session (idempotent), for back-channel logout. */
  addClient(sessionId: string, clientId: string): Promise<void>;
  clientIds(sessionId: string): Promise<string[]>;
  /** Deletes sessions expired or ended before `before`; returns how many. */
  purge(before: number): Promise<number>;
}

/** A user's remembered consent for one client (OIDC Core §3.1.2.4). */
export interface Consent {
  userId: string;
  clientId: string;
  scopes: string[];
  /** Epoch ms. */
  grantedAt: number;
}

/** Consents per user and client; granting more scopes widens the stored set. */
export interface ConsentRepository {
  find(userId: string, clientId: string): Promise<Consent | undefined>;
  /** Stores `scopes` as the consent of user for client (replaces any earlier set). */
  put(consent: Consent): Promise<void>;
  /** False when there was none. */
  delete(userId: string, clientId: string): Promise<boolean>;
  listByUser(userId: string): Promise<Consent[]>;
}
