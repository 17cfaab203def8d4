import type { Client } from "../../plugin-sdk/client.js";
import type { SenderBinding } from "../../plugin-sdk/sender-binding.js";
import type { RegistrationPolicy } from "../clients/registration-policy.js";
import type { ConsentRepository, SessionRepository } from "../sessions/session.js";
import type { TrustedIssuerRepository } from "../trust/trusted-issuer.js";
import type { ChangeLog } from "./change-log.js";

/** Durable client registry (RFC 7591, RFC 7592). */
export interface ClientRepository {
  insert(client: Client): Promise<void>;
  find(clientId: string): Promise<Client | undefined>;
  /** Replaces the stored client; false when it does not exist. */
  update(client: Client): Promise<boolean>;
  delete(clientId: string): Promise<boolean>;
  /** Ordered by client id; `after` is an exclusive cursor. */
  list(options: { limit: number; after?: string }): Promise<Client[]>;
}

export interface User {
  id: string;
  username: string;
  /** A password hash string (scrypt, self-describing). */
  passwordHash: string;
  email?: string;
  name?: string;
  disabled: boolean;
  createdAt: number;
  /** The user's TOTP secret (RFC 6238), sealed; absent when no second factor is enrolled. */
  totpSecret?: string;
}

export interface UserRepository {
  insert(user: User): Promise<void>;
  findById(id: string): Promise<User | undefined>;
  findByUsername(username: string): Promise<User | undefined>;
  /** Stores the sealed TOTP secret (RFC 6238) of a user, or removes it when `sealed` is undefined. */
  setTotpSecret(userId: string, sealed: string | undefined): Promise<void>;
  /** Disables or re-enables sign-in for the user; false when the user does not exist. */
  setDisabled(userId: string, disabled: boolean): Promise<boolean>;
}

/** An RFC 8707 resource server: its identifier becomes the access-token audience. */
export interface ResourceServer {
  /** Absolute URI identifier (RFC 8707 §2). */
  id: string;
  scopes: string[];
  accessTokenFormat: "jwt" | "opaque";
  /** Access-token lifetime in seconds. */
  accessTokenTtl: number;
  createdAt: number;
}

export interface ResourceRepository {
  upsert(resource: ResourceServer): Promise<void>;
  find(id: string): Promise<ResourceServer | undefined>;
  list(): Promise<ResourceServer[]>;
  delete(id: string): Promise<boolean>;
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  /** Private JWK as JSON, sealed when a key-encryption key is configured. */
  privateJwk: string;
  /** Public JWK as JSON. */
  publicJwk: string;
  status: "active" | "retired";
  createdAt: number;
  /** When it stopped signing (epoch ms). */
  retiredAt?: number;
  /** After this instant it is no longer published (epoch ms). */
  expiresAt?: number;
}

export interface SigningKeyRepository {
  insert(key: SigningKeyRecord): Promise<void>;
  /** Active and retired keys that have not expired at `now`. */
  listPublished(now: number): Promise<SigningKeyRecord[]>;
  /** Atomically retires every active key of `alg` and inserts `next` as active (one transaction). */
  rotate(alg: string, next: SigningKeyRecord, retire: { retiredAt: number; expiresAt: number }): Promise<void>;
  /** Deletes keys whose expiresAt is before `now`; returns the count. */
  purgeExpired(now: number): Promise<number>;
}

/** An initial access token as stored: its digest, lifetime and what it requires of registrations. */
export interface RegistrationTokenRecord {
  digest: string;
  createdAt: number;
  expiresAt?: number;
  policy?: RegistrationPolicy;
}

/** Initial access tokens for /register (RFC 7591 §3), stored as digests. */
export interface RegistrationTokenRepository {
  insert(record: RegistrationTokenRecord): Promise<void>;
  /** The non-expired token with this digest, or undefined. */
  findValid(digest: string, now: number): Promise<RegistrationTokenRecord | undefined>;
}

/** A grant: the durable authorization a refresh token continues (RFC 6749 §1.5). */
export interface GrantRecord {
  id: string;
  clientId: string;
  subject: string;
  scopes: string[];
  resources: string[];
  /** Claims carried into every access token of the grant. */
  claims: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
  /** The grant this one derives from (RFC 8693 token exchange): revoking the parent revokes this grant too. */
  parentId?: string;
  /** The key its refresh tokens are bound to (a public client's DPoP key or certificate, RFC 9449 §5, RFC 8705 §4). */
  binding?: SenderBinding;
}

export interface RefreshTokenRecord {
  id: string;
  grantId: string;
  clientId: string;
  /** SHA-256 digest (base64url) of the token value. */
  digest: string;
  status: "active" | "rotated" | "revoked";
  createdAt: number;
  expiresAt: number;
  rotatedAt?: number;
  /** The successor's id after a rotation. */
  successorId?: string;
  /** The successor's value sealed with a key derived from this token's value (grace-window retries). */
  successorSealed?: string;
}

/** Grants and their refresh tokens; every multi-row change is one transaction. */
export interface GrantRepository {
  /**
   * Inserts a grant and its first refresh token together. A grant with a parent is inserted only while the parent is
   * unrevoked, checked under a lock that a concurrent revocation of the parent waits for; false when it was not.
   */
  create(grant: GrantRecord, refreshToken: RefreshTokenRecord): Promise<boolean>;
  findGrant(id: string): Promise<GrantRecord | undefined>;
  findRefreshToken(digest: string): Promise<RefreshTokenRecord | undefined>;
  findRefreshTokenById(id: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Marks `currentId` rotated (only if still active), records the sealed successor and inserts it, in one
   * transaction. False when another request rotated it first.
   */
  rotate(currentId: string, rotatedAt: number, successor: RefreshTokenRecord, successorSealed: string): Promise<boolean>;
  /**
   * Revokes the grant, the live grants derived from it (transitively) and all their refresh tokens in one transaction;
   * returns the ids it revoked (empty when all were already revoked or absent).
   */
  revokeGrant(grantId: string, revokedAt: number): Promise<string[]>;
  /**
   * Revokes every live grant (and its refresh tokens) of `subject`, only those of `clientId` when given, and the live
   * grants derived from them, in one transaction recorded in the change log (other processes index the revocation);
   * returns their ids.
   */
  revokeForUser(subject: string, revokedAt: number, clientId?: string): Promise<string[]>;
  /** Deletes grants and tokens expired before `now`; returns the number of rows removed. */
  purgeExpired(now: number): Promise<number>;
}

/** Everything durable, opened and closed together. */
export interface DurableStorage {
  clients: ClientRepository;
  users: UserRepository;
  resources: ResourceRepository;
  signingKeys: SigningKeyRepository;
  registrationTokens: RegistrationTokenRepository;
  grants: GrantRepository;
  serverSecrets: ServerSecretRepository;
  sessions: SessionRepository;
  consents: ConsentRepository;
  trustedIssuers: TrustedIssuerRepository;
  changes: ChangeLog;
  /** Applies pending migrations. */
  migrate(): Promise<void>;
  /** Cheap liveness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Server-generated secrets kept in the database (e.g. the fallback key-encryption key). */
export interface ServerSecretRepository {
  /** Returns the stored value of `name`, storing `candidate` first if none exists (race-safe). */
  getOrCreate(name: string, candidate: string): Promise<string>;
}
