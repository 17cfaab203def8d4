import { createHash } from "node:crypto";
import type { AuthenticatorContext, AuthnUser } from "../authenticator.js";
import type { AuthenticatedUser, IssuedTokenFacts, SingleUseStore, TrustedJwtExpectation, TrustedJwtResult } from "../capabilities.js";
import type { AuthenticatedClient, Client, ClientMetadata } from "../client.js";
import { OAuthErrors } from "../errors.js";
import { FormParams } from "../form-params.js";
import type { AccessBounds, GrantContext, GrantedAccess, GrantRequest, RedeemedCode, RefreshedGrant } from "../grant.js";
import { headerValue, type EndpointRequest } from "../request.js";
import { UNBOUND, type SenderProofs } from "../sender-binding.js";

/**
 * The plugin test kit: build requests, clients and a recording GrantContext to unit-test a plugin without
 * booting the server (DESIGN "Tests at three levels"). Core's real rules are exercised by integration tests.
 */

/** A registered client with sensible defaults. */
export function testClient(metadata: ClientMetadata = {}, clientId = "test-client"): Client {
  return { clientId, metadata: { token_endpoint_auth_method: "client_secret_basic", ...metadata }, issuedAt: 0, updatedAt: 0 };
}

/** An endpoint request; `params` may repeat names with arrays. */
export function endpointRequest(params: Record<string, string | string[]> = {}, overrides: Partial<EndpointRequest> = {}): EndpointRequest {
  return { method: "POST", url: "https://as.example.test/token", headers: {}, params: FormParams.from(params), remoteAddress: "127.0.0.1", ...overrides };
}

/** A token request as a grant receives it (parameters already filtered by core). */
export function grantRequest(grantType: string, params: Record<string, string | string[]> = {}, client: AuthenticatedClient = { client: testClient(), method: "client_secret_basic" }): GrantRequest {
  return { grantType, params: FormParams.from({ grant_type: grantType, ...params }), client, remoteAddress: "127.0.0.1", binding: UNBOUND };
}

/**
 * SenderProofs that take a request's `DPoP` header as the proven key thumbprint, and its client certificate's SHA-256
 * when the client registered certificate-bound tokens (neither: UNBOUND); core verifies the real proof, so a plugin
 * test only sees which key a request stands for.
 */
export function fakeSenderProofs(): SenderProofs {
  return {
    async presented(request, client) {
      const jkt = headerValue(request, "dpop");
      const der = client.metadata.tls_client_certificate_bound_access_tokens === true ? request.clientCertificate?.der : undefined;
      const x5tS256 = der && createHash("sha256").update(der).digest("base64url");
      return jkt === undefined && x5tS256 === undefined ? UNBOUND : { ...(jkt !== undefined && { jkt }), ...(x5tS256 && { x5tS256 }) };
    },
  };
}

/** An in-memory SingleUseStore whose entries expire by `now()` (core's shared, atomic store is not emulated). */
export function memorySingleUseStore(now: () => number): SingleUseStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) entries.delete(key);
    return entries.get(key);
  };
  return {
    put: async (key, value, ttlMs) => void entries.set(key, { value, expiresAt: now() + ttlMs }),
    async putIfAbsent(key, value, ttlMs) {
      if (live(key)) return false;
      entries.set(key, { value, expiresAt: now() + ttlMs });
      return true;
    },
    get: async (key) => live(key)?.value,
    async take(key) {
      const value = live(key)?.value;
      entries.delete(key);
      return value;
    },
    delete: async (key) => void entries.delete(key),
    async increment(key, ttlMs) {
      const next = Number(live(key)?.value ?? 0) + 1;
      entries.set(key, { value: String(next), expiresAt: live(key)?.expiresAt ?? now() + ttlMs });
      return next;
    },
  };
}

export interface RecordingGrantContext extends GrantContext {
  /** Each resolveAccess call's options, in order. */
  readonly accessCalls: { scope: string | undefined; resources: string[]; options?: AccessBounds }[];
  /** Each refresh token passed to rotate, in order. */
  readonly rotated: string[];
  /** Each authorization code passed to redeem, in order. */
  readonly redeemed: string[];
  /** Each grant id and token passed to the revocations, in order. */
  readonly revoked: { grants: string[]; tokens: string[] };
  /** Each JWT passed to trustedIssuers.verify, with its expectation, in order. */
  readonly verifiedJwts: { jwt: string; expectation: TrustedJwtExpectation }[];
  /** Moves `now()` forward; single-use entries expire by it. */
  advance(ms: number): void;
}

/**
 * A GrantContext whose access policy grants the requested scope, and the resources plus `audiences` as resources
 * (bounded by maxScopes/maxResources, else invalid_scope/invalid_target), whose refresh tokens come from
 * `refreshGrants`, authorization codes from `codes`, users from `users`, issued tokens from `tokens` and
 * trusted-issuer results from `trustedJwts` (unknown → invalid_grant, undefined or `untrusted_issuer`; core's binding,
 * PKCE, signature and registry checks are not emulated). Its seal is plain JSON: only core's seal is authenticated.
 */
export function recordingGrantContext(
  options: {
    now?: number;
    refreshGrants?: Record<string, RefreshedGrant>;
    codes?: Record<string, RedeemedCode>;
    users?: readonly AuthnUser[];
    tokens?: Record<string, IssuedTokenFacts>;
    trustedJwts?: Record<string, TrustedJwtResult>;
  } = {},
): RecordingGrantContext {
  const accessCalls: RecordingGrantContext["accessCalls"] = [];
  const rotated: string[] = [];
  const redeemed: string[] = [];
  const revoked = { grants: [] as string[], tokens: [] as string[] };
  const verifiedJwts: RecordingGrantContext["verifiedJwts"] = [];
  let now = options.now ?? 0;
  const users = options.users ?? [];
  return {
    accessCalls,
    rotated,
    redeemed,
    revoked,
    verifiedJwts,
    advance: (ms) => void (now += ms),
    now: () => now,
    users: {
      findById: async (id) => users.find((u) => u.id === id),
      findByUsername: async (username) => users.find((u) => u.username === username),
    },
    tokens: {
      async validate(token, kind) {
        const facts = options.tokens?.[token];
        return facts && (kind === undefined || facts.kind === kind) ? facts : undefined;
      },
    },
    singleUse: memorySingleUseStore(() => now),
    revocations: {
      revokeGrant: async (grantId) => void revoked.grants.push(grantId),
      revokeToken: async (token) => void revoked.tokens.push(token),
    },
    authenticationSeal: {
      seal: (user: AuthenticatedUser) => JSON.stringify(user),
      unseal: (sealed: string) => JSON.parse(sealed) as AuthenticatedUser,
    },
    trustedIssuers: {
      async verify(jwt, expectation) {
        verifiedJwts.push({ jwt, expectation });
        return options.trustedJwts?.[jwt] ?? { ok: false, reason: "untrusted_issuer", description: "iss is not a trusted issuer" };
      },
    },
    async resolveAccess(request, bounds): Promise<GrantedAccess> {
      const scope = request.params.get("scope");
      const resources = [...request.params.getAll("resource"), ...(bounds?.audiences ?? [])];
      accessCalls.push({ scope, resources, options: bounds });
      const scopes = scope === undefined ? [...(bounds?.maxScopes ?? [])] : scope.split(" ").filter(Boolean);
      if (bounds?.maxScopes && scopes.some((s) => !bounds.maxScopes!.includes(s))) throw OAuthErrors.invalidScope("scope exceeds the grant");
      if (bounds?.maxResources && resources.some((r) => !bounds.maxResources!.includes(r))) throw OAuthErrors.invalidTarget("resource exceeds the grant");
      return { scopes, resources: resources.length > 0 ? resources : [...(bounds?.maxResources ?? [])] };
    },
    refreshTokens: {
      async rotate(token) {
        rotated.push(token);
        const grant = options.refreshGrants?.[token];
        if (!grant) throw OAuthErrors.invalidGrant("refresh token is invalid, expired or revoked");
        return grant;
      },
    },
    codes: {
      async redeem(code) {
        redeemed.push(code);
        const found = options.codes?.[code];
        if (!found) throw OAuthErrors.invalidGrant("authorization code is invalid, expired or already used");
        return found;
      },
    },
  };
}

/** A user of a fake AuthenticatorContext: its password in clear and its TOTP secret (RFC 6238) when enrolled. */
export interface FakeAuthnUser extends AuthnUser {
  password?: string;
  totpSecret?: Buffer;
}

export interface FakeAuthenticatorContext extends AuthenticatorContext {
  /** Each verifyPassword call's user id, in order; unknown ids included (core hashes against a dummy for them). */
  readonly passwordChecks: string[];
  /** Moves `now()` forward; `once` entries expire by it. */
  advance(ms: number): void;
}

/**
 * An AuthenticatorContext over in-memory `users`: verifyPassword compares in clear and is false for unknown or
 * disabled users, `once` honours its TTL against the fake clock (core's scrypt, unsealing and stores are not emulated).
 */
export function fakeAuthenticatorContext(options: { users?: readonly FakeAuthnUser[]; now?: number } = {}): FakeAuthenticatorContext {
  const users = new Map((options.users ?? []).map((u) => [u.id, u]));
  const visible = (u: FakeAuthnUser | undefined): AuthnUser | undefined => u && { id: u.id, username: u.username, disabled: u.disabled };
  const recorded = new Map<string, number>();
  const passwordChecks: string[] = [];
  let now = options.now ?? 0;
  return {
    passwordChecks,
    advance: (ms) => void (now += ms),
    now: () => now,
    users: {
      findByUsername: async (username) => visible([...users.values()].find((u) => u.username === username)),
      findById: async (id) => visible(users.get(id)),
      async verifyPassword(userId, password) {
        passwordChecks.push(userId);
        const user = users.get(userId);
        return user !== undefined && !user.disabled && user.password !== undefined && user.password === password;
      },
      totpSecret: async (userId) => users.get(userId)?.totpSecret,
    },
    async once(key, ttlMs) {
      if ((recorded.get(key) ?? -Infinity) > now) return false;
      recorded.set(key, now + ttlMs);
      return true;
    },
  };
}

export * from "./sign-in.js";
