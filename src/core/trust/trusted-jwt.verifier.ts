import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from "jose";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { TRUSTED_JWT_ALGORITHMS, type TrustedIssuers, type TrustedJwtExpectation, type TrustedJwtFailure, type TrustedJwtResult, type UserDirectory } from "../../plugin-sdk/capabilities.js";
import { PluginTokens } from "../../plugin-sdk/plugin-tokens.js";
import { DI } from "../di-tokens.js";
import { JwksCache, type JwksSource } from "../keys/jwks-cache.js";
import type { Clock } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { secretDigest } from "../security/digest.js";
import { existedBy } from "../security/existed-by.js";
import { SafeFetcher, SafeFetchError } from "../security/safe-fetch.js";
import { mapSubject } from "./subject-mapping.js";
import { ANY_CLIENT, type TrustedIssuer } from "./trusted-issuer.js";
import { TrustedIssuerCatalog } from "./trusted-issuer-catalog.js";

/** Algs an outside issuer may sign with (the SDK's list, CVE-2015-2951, CVE-2016-10555); jose matches the key type to the alg. */
const TRUSTED_ISSUER_ALGORITHMS: ReadonlySet<string> = new Set(TRUSTED_JWT_ALGORITHMS);

/** Longest accepted `jti`. */
const MAX_JTI_LENGTH = 256;
/** Issuers whose key sets are cached per node. */
const MAX_CACHED_KEY_SETS = 1_000;

/** A refusal; `description` is client-safe and names the claim or rule. */
const fail = (reason: TrustedJwtFailure, description: string): TrustedJwtResult => Object.freeze({ ok: false, reason, description });

/** A jose verification error as a refusal; undefined for anything that is not about the JWT (outages propagate). */
function joseFailure(error: unknown): TrustedJwtResult | undefined {
  if (error instanceof errors.JWTExpired) return fail("expired", "exp is in the past");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return fail("missing_claim", `${error.claim} is missing`);
    if (error.claim === "aud") return fail("invalid_audience", "aud does not name this server");
    if (error.claim === "nbf" && error.reason === "check_failed") return fail("not_yet_valid", "nbf is in the future");
    return fail("malformed", `${error.claim} is not valid`);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return fail("invalid_signature", "no key of the issuer matches the kid and alg");
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid) return fail("keys_unavailable", "the issuer's keys are unusable");
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) return fail("malformed", "not a well-formed signed JWT");
  if (error instanceof errors.JOSEError) return fail("invalid_signature", "signature is invalid");
  if (error instanceof SafeFetchError) return fail("keys_unavailable", "the issuer's keys are unavailable");
  return undefined;
}

/** A step's outcome: its value, or the refusal that ends the verification. */
type Step<T> = { value: T; refused?: undefined } | { refused: TrustedJwtResult };

/** The unverified header alg, `iss` and whether `aud` is present; only a compact JWS (three parts) with a JSON header and claims gets that far. */
function peek(jwt: string): Step<{ alg: unknown; iss: unknown; hasAudience: boolean }> {
  if (typeof jwt !== "string" || jwt.split(".").length !== 3) return { refused: fail("malformed", "not a well-formed signed JWT") };
  try {
    const claims = decodeJwt(jwt);
    return { value: { alg: decodeProtectedHeader(jwt).alg, iss: claims.iss, hasAudience: claims.aud !== undefined } };
  } catch {
    return { refused: fail("malformed", "not a well-formed signed JWT") };
  }
}

/**
 * Verifies JWTs from operator-trusted issuers (RFC 7523 §3, RFC 7521 §5.2; PluginTokens.TrustedIssuers): asymmetric alg,
 * `iss` in the registry and trusted for the use and the client, signature with that issuer's keys only (inline, or its
 * `jwks_uri` cached with a rate-limited refetch), `aud`, `exp` required and at most the issuer's max lifetime ahead,
 * `nbf`/`iat` within CLOCK_TOLERANCE, `sub` mapped to an enabled local user, and `jti` single use on request.
 */
@injectable()
export class TrustedJwtVerifier implements TrustedIssuers {
  private readonly keys: JwksCache;
  /** Each loaded issuer record's key source, so the version is computed once per record, not per JWT. */
  private readonly sources = new WeakMap<TrustedIssuer, JwksSource>();

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(TrustedIssuerCatalog) private readonly catalog: TrustedIssuerCatalog,
    @inject(PluginTokens.Users) private readonly users: UserDirectory,
    @inject(SafeFetcher) fetcher: SafeFetcher,
  ) {
    this.keys = new JwksCache(fetcher, clock, MAX_CACHED_KEY_SETS);
  }

  /** The verified JWT or the first rule it breaks; checks run from the cheapest, and `jti` is consumed last (RFC 7523 §3). */
  async verify(jwt: string, expectation: TrustedJwtExpectation): Promise<TrustedJwtResult> {
    const peeked = peek(jwt);
    if (peeked.refused) return peeked.refused;
    const { alg, iss, hasAudience } = peeked.value;
    if (typeof alg !== "string" || !TRUSTED_ISSUER_ALGORITHMS.has(alg)) return fail("algorithm_not_allowed", "alg must be RS*, PS*, ES* or EdDSA");
    const issuer = typeof iss === "string" ? await this.catalog.find(iss) : undefined;
    if (!issuer) return fail("untrusted_issuer", "iss is not a trusted issuer");
    if (!issuer.uses.includes(expectation.use)) return fail("use_not_allowed", `the issuer is not trusted for ${expectation.use}`);
    const { clientId } = expectation;
    if (clientId !== null && !issuer.allowedClients.includes(ANY_CLIENT) && !issuer.allowedClients.includes(clientId)) {
      return fail("client_not_allowed", "the issuer is not trusted for this client");
    }
    const now = this.clock.now();
    const checkAudience = expectation.audiences !== null && (expectation.audience !== "optional" || hasAudience);
    const signed = await this.signedClaims(jwt, alg, issuer, expectation, checkAudience, now);
    if (signed.refused) return signed.refused;
    const verified = signed.value;
    const refused = this.checkClaims(verified, issuer, expectation, now);
    if (refused) return refused;
    const mapped = (expectation.subject ?? "user") === "user" ? await mapSubject(issuer.subjectMapping, verified.sub as string, this.users) : {};
    if (mapped === "unknown" || mapped === "disabled") return fail(`${mapped}_subject`, "sub is not an enabled local user");
    const expiresAt = verified.exp ?? Number.POSITIVE_INFINITY;
    const remainingMs = Number.isFinite(expiresAt) ? expiresAt * 1000 - now : issuer.maxLifetime * 1000;
    if (expectation.singleUse && !(await this.consumeJti(issuer.issuer, verified.jti as string, remainingMs, existedBy(verified, this.config.clockTolerance)))) {
      return fail("replayed", "jti was already used");
    }
    return Object.freeze({
      ok: true,
      jwt: Object.freeze({ issuer: issuer.issuer, subject: verified.sub ?? "", ...mapped, expiresAt, claims: Object.freeze(verified) }),
    });
  }

  /** The claims once the signature verifies with the issuer's own keys, `exp`/`nbf` hold and `aud` (when checked) names an expected audience. */
  private async signedClaims(
    jwt: string,
    alg: string,
    issuer: TrustedIssuer,
    expectation: TrustedJwtExpectation,
    checkAudience: boolean,
    now: number,
  ): Promise<Step<JWTPayload>> {
    const required = [
      ...(expectation.expiry === "optional" ? [] : ["exp"]),
      ...(expectation.subject === "optional" ? [] : ["sub"]),
      ...(expectation.singleUse ? ["jti"] : []),
    ];
    try {
      const value = await this.keys.verify(this.sourceOf(issuer), jwt, {
        algorithms: [alg],
        issuer: issuer.issuer,
        requiredClaims: required,
        ...(checkAudience && { audience: [...expectation.audiences!] }),
        currentDate: new Date(now),
        clockTolerance: this.config.clockTolerance,
      });
      return { value };
    } catch (error) {
      const refused = joseFailure(error);
      if (refused) return { refused };
      throw error;
    }
  }

  /** Inline keys are versioned by their content, a `jwks_uri` by its value and the record's last write (a re-put refetches). */
  private sourceOf(issuer: TrustedIssuer): JwksSource {
    let source = this.sources.get(issuer);
    if (!source) {
      const version = issuer.jwks ? secretDigest(JSON.stringify(issuer.jwks)) : `${issuer.updatedAt}|${issuer.jwksUri}`;
      source = { id: issuer.issuer, version, jwks: issuer.jwks, jwksUri: issuer.jwksUri };
      this.sources.set(issuer, source);
    }
    return source;
  }

  /**
   * A required `exp` at most the issuer's max lifetime ahead, `iat` not in the future (both with the tolerance), `sub`
   * (unless optional and absent) and `jti` non-empty strings.
   */
  private checkClaims(claims: JWTPayload, issuer: TrustedIssuer, expectation: TrustedJwtExpectation, now: number): TrustedJwtResult | undefined {
    const nowSeconds = now / 1000;
    const tolerance = this.config.clockTolerance;
    if (expectation.expiry !== "optional" && (claims.exp as number) - nowSeconds > issuer.maxLifetime + tolerance) {
      return fail("lifetime_too_long", `exp is more than ${issuer.maxLifetime} seconds ahead`);
    }
    if (claims.iat !== undefined && claims.iat > nowSeconds + tolerance) return fail("issued_in_future", "iat is in the future");
    const subjectOptional = expectation.subject === "optional" && claims.sub === undefined;
    if (!subjectOptional && (typeof claims.sub !== "string" || claims.sub === "")) return fail("missing_claim", "sub must be a non-empty string");
    if (expectation.singleUse && (typeof claims.jti !== "string" || claims.jti === "" || claims.jti.length > MAX_JTI_LENGTH)) {
      return fail("missing_claim", `jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
    }
    return undefined;
  }

  /** Records `jti` of `issuer` until exp + CLOCK_TOLERANCE, atomically on every node; false when it was seen (RFC 7523 §3 item 7). */
  private consumeJti(issuer: string, jti: string, remainingMs: number, existed: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(remainingMs + this.config.clockTolerance * 1000));
    return this.store.firstUse(`jti:ti:${secretDigest(`${issuer}\u0000${jti}`)}`, ttl, existed);
  }
}
