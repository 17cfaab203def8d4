import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { RevocationCause } from "../../plugin-sdk/audit.js";
import { OAuthError, OAuthErrors } from "../../plugin-sdk/errors.js";
import type { AuthenticationFacts, RedeemedCode } from "../../plugin-sdk/grant.js";
import { DI } from "../di-tokens.js";
import { failpoint } from "../failpoints.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { secretDigest } from "../security/digest.js";
import { MAX_ACCESS_TOKEN_TTL, type RevocationService } from "../tokens/access-token.js";
import { verifyPkce, type PkceMethod } from "./pkce.js";
import { vouch } from "../security/vouched.js";
import { proves, type SenderBinding } from "../../plugin-sdk/sender-binding.js";

/** What the authorization endpoint granted, stored with the code (RFC 6749 §4.1.2). */
export interface CodeGrant extends AuthenticationFacts {
  clientId: string;
  /** The authorization request's redirect_uri; undefined when it had none (RFC 6749 §4.1.3). */
  redirectUri: string | undefined;
  /** Issued without any redirection (first-party apps §6): a redirect_uri at the token endpoint is then refused. */
  withoutRedirect?: boolean;
  subject: string;
  scopes: string[];
  resources: string[];
  claims?: Record<string, unknown>;
  codeChallenge?: string;
  codeChallengeMethod?: PkceMethod;
  /** The key the code is bound to (RFC 9449 §10: `dpop_jkt`, or the DPoP proof at PAR); the token request must prove it. */
  binding?: SenderBinding;
}

/** A code as stored: the grant and when the code expires (epoch ms; absent on codes stored before it was recorded). */
interface StoredCode extends CodeGrant {
  expiresAt?: number;
}

/** The used-marker: what the redemption issued, or while nothing is recorded yet the code itself (for `restore`). */
interface UsedMarker extends IssuedForCode {
  pending?: string;
}

/** What the token request presents with the code (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export interface CodeBinding {
  clientId: string;
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
  /** The client authenticated with method "none": it must have used PKCE (RFC 9700 §2.1.1). */
  publicClient: boolean;
  /** What the token request proved (RFC 9449 §10.1: a bound code needs a proof with the same key). */
  sender: SenderBinding;
}

/** What a redemption issued, so a reuse of the code can revoke it (RFC 6749 §4.1.2). */
export interface IssuedForCode {
  grantId?: string;
  jti?: string;
  /** Epoch seconds of the access token's expiry. */
  exp?: number;
  /** Epoch ms of the grant's expiry (its refresh token's), when the redemption made one. */
  grantExpiresAt?: number;
}

/** Failed PKCE checks after which a code is deleted (corpus B13: wrong verifiers do not burn it, but are bounded). */
export const MAX_CODE_ATTEMPTS = 5;
/** Longest life of a used-marker, the longest access-token lifetime (docs/decisions.md "Used-code marker lifetime"). */
const MAX_USED_MARKER_TTL_MS = MAX_ACCESS_TOKEN_TTL * 1000;

const codeKey = (digest: string) => `code:${digest}`;
const usedKey = (digest: string) => `code-used:${digest}`;
const attemptsKey = (digest: string) => `code-attempts:${digest}`;
const invalid = () => OAuthErrors.invalidGrant("authorization code is invalid, expired or already used");

/**
 * Single-use authorization codes kept only by SHA-256 digest in the EphemeralStore (RFC 6749 §4.1.2, §10.5): bindings
 * are checked before the code is consumed with GETDEL, and a reused code revokes what its redemption minted.
 */
@injectable()
export class AuthorizationCodeService {
  constructor(
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Revocation) private readonly revocation: RevocationService,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
  ) {}

  /** Issues a 256-bit code for `grant`, valid for `AUTHORIZATION_CODE_TTL` seconds (RFC 6749 §4.1.2, §10.10). */
  async issue(grant: CodeGrant): Promise<string> {
    const code = this.random.token(32);
    const ttlMs = this.config.authorizationCodeTtl * 1000;
    await this.store.put(codeKey(secretDigest(code)), JSON.stringify({ ...grant, expiresAt: this.clock.now() + ttlMs } satisfies StoredCode), ttlMs);
    return code;
  }

  /** Checks the bindings, consumes the code atomically and marks it used (RFC 6749 §4.1.3); every failure is invalid_grant. */
  async redeem(code: string, binding: CodeBinding): Promise<RedeemedCode> {
    const digest = secretDigest(code);
    const stored = await this.store.get(codeKey(digest));
    if (stored === undefined) return this.unknownOrReused(digest);
    const record = JSON.parse(stored) as StoredCode;
    if (record.clientId !== binding.clientId) throw invalid();
    if (record.redirectUri !== undefined && record.redirectUri !== binding.redirectUri) {
      throw OAuthErrors.invalidGrant("redirect_uri does not match the authorization request");
    }
    if (record.withoutRedirect && binding.redirectUri !== undefined) throw OAuthErrors.invalidGrant("redirect_uri was not part of the authorization request");
    if (!proves(binding.sender, record.binding)) throw OAuthErrors.invalidGrant("the authorization code is bound to a key this request did not prove");
    await this.checkPkce(digest, record, binding);
    if ((await this.store.take(codeKey(digest))) === undefined) throw invalid();
    await this.store.putIfAbsent(usedKey(digest), JSON.stringify({ pending: stored } satisfies UsedMarker), this.remainingMs(record));
    failpoint("after-code-consume");
    const { clientId: _client, redirectUri: _redirect, withoutRedirect: _without, codeChallenge: _challenge, codeChallengeMethod: _method, binding: _binding, expiresAt: _expires, claims, ...granted } = record;
    return vouch({ ...granted, claims: claims ?? {}, handle: digest });
  }

  /** Links the tokens minted for a redeemed code to its used-marker, so a later reuse revokes them (RFC 6749 §4.1.2). */
  async recordIssued(handle: string, issued: IssuedForCode): Promise<void> {
    const { grantExpiresAt: _grantExpiry, ...revocable } = issued;
    await this.store.put(usedKey(handle), JSON.stringify(revocable), this.usedMarkerTtlMs(issued));
  }

  /**
   * As long as a reuse can revoke something alive or would still be within the code's lifetime: the code's lifetime,
   * the access token's until exp plus clock tolerance, the grant's until its expiry (unknown: the longest); at most MAX_USED_MARKER_TTL_MS.
   */
  private usedMarkerTtlMs(issued: IssuedForCode): number {
    const now = this.clock.now();
    const accessMs = issued.exp === undefined ? 0 : (issued.exp + this.config.clockTolerance) * 1000 - now;
    const grantMs = issued.grantId === undefined ? 0 : issued.grantExpiresAt === undefined ? MAX_USED_MARKER_TTL_MS : issued.grantExpiresAt - now;
    return Math.min(MAX_USED_MARKER_TTL_MS, Math.max(this.config.authorizationCodeTtl * 1000, accessMs, grantMs));
  }

  /**
   * After a redemption failed on a storage outage (corpus S108), which delivered nothing: revokes what it had `created`
   * (best-effort, alongside) and puts back the code if no token was recorded, with its remaining lifetime, so the
   * client's retry may succeed (RFC 6749 §4.1.2). A code whose tokens were recorded stays used.
   */
  async restore(handle: string, created: IssuedForCode): Promise<void> {
    await Promise.all([this.revokeIssued(created, "undelivered").catch(() => undefined), this.putBack(handle)]);
  }

  /** Puts back a redeemed code whose used-marker still holds it (nothing recorded), with its remaining lifetime. */
  private async putBack(handle: string): Promise<void> {
    const marker = await this.store.get(usedKey(handle));
    const pending = marker === undefined ? undefined : (JSON.parse(marker) as UsedMarker).pending;
    if (pending === undefined) return;
    await this.store.delete(usedKey(handle));
    const remaining = this.remainingMs(JSON.parse(pending) as StoredCode);
    if (remaining > 0) await this.store.put(codeKey(handle), pending, remaining);
  }

  /** The code's remaining lifetime (its full lifetime for a code stored without its expiry). */
  private remainingMs(record: StoredCode): number {
    return record.expiresAt === undefined ? this.config.authorizationCodeTtl * 1000 : record.expiresAt - this.clock.now();
  }

  /** An unknown code, or a reuse: then the first redemption's grant and access token are revoked (RFC 6749 §4.1.2). */
  private async unknownOrReused(digest: string): Promise<never> {
    const marker = await this.store.get(usedKey(digest));
    if (marker === undefined) throw invalid();
    await this.revokeIssued(JSON.parse(marker) as UsedMarker, "code_reuse");
    throw OAuthErrors.invalidGrant("authorization code was already used", { cause: new Error("authorization code reuse; its tokens were revoked") });
  }

  /** Revokes the grant and the access token a redemption minted (RFC 6749 §4.1.2). */
  private async revokeIssued(issued: IssuedForCode, cause: RevocationCause): Promise<void> {
    await Promise.all([
      issued.grantId === undefined ? undefined : this.revocation.revokeGrant(issued.grantId, { cause }),
      issued.jti === undefined || issued.exp === undefined ? undefined : this.revocation.revokeJti(issued.jti, issued.exp, { cause }),
    ]);
  }

  /** PKCE (RFC 7636 §4.6) and downgrade protection (RFC 9700 §4.8.2); failures count towards MAX_CODE_ATTEMPTS. */
  private async checkPkce(digest: string, record: CodeGrant, binding: CodeBinding): Promise<void> {
    if (record.codeChallenge === undefined) {
      if (binding.codeVerifier !== undefined) throw OAuthErrors.invalidGrant("code_verifier sent, but the authorization request had no code_challenge");
      if (binding.publicClient) throw OAuthErrors.invalidGrant("public clients must use PKCE");
      return;
    }
    try {
      verifyPkce(record.codeChallenge, record.codeChallengeMethod ?? "plain", binding.codeVerifier, { plainAllowed: this.config.pkcePlainAllowed });
    } catch (error) {
      if (error instanceof OAuthError) await this.countFailure(digest);
      throw error;
    }
  }

  private async countFailure(digest: string): Promise<void> {
    const remaining = (await this.store.ttl(codeKey(digest))) ?? 1;
    if ((await this.store.increment(attemptsKey(digest), Math.max(1, remaining))) >= MAX_CODE_ATTEMPTS) await this.store.delete(codeKey(digest));
  }
}
