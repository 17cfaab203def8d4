import { createPublicKey } from "node:crypto";
import type { JSONWebKeySet, JWK } from "jose";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { TRUSTED_ISSUER_USES, type TrustedIssuerUse } from "../../plugin-sdk/capabilities.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import { privateMemberOf } from "../keys/public-jwk.js";
import type { Clock } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import { httpsUrlProblem } from "../security/fetchable-url.js";
import { ANY_CLIENT, SUBJECT_MAPPINGS, type SubjectMapping, type TrustedIssuer } from "./trusted-issuer.js";

/** What an operator sends to trust an issuer (CLI `issuer add`, gRPC PutTrustedIssuer); checked before it is stored. */
export interface TrustedIssuerInput {
  issuer: string;
  uses: readonly string[];
  /** Omitted or empty: no client may present its JWTs. */
  allowedClients?: readonly string[];
  subjectMapping: string;
  jwks?: unknown;
  jwksUri?: string;
  /** Seconds; ASSERTION_MAX_LIFETIME when omitted. */
  maxLifetime?: number;
}

/** Longest `iss` (the change log's key column). */
const MAX_ISSUER_LENGTH = 255;
/** Longest client id (the clients table's key column). */
const MAX_CLIENT_ID_LENGTH = 255;
const MAX_KEYS = 100;
const MAX_URI_LENGTH = 2048;
/** Bounds of `maxLifetime` (s): from ten seconds (clock tolerance is on top) to a year (long-lived software statements). */
const LIFETIME_RANGE = [10, 31_536_000] as const;
/** Key types of the asymmetric algs the verifier accepts (RFC 7518 §6): RSA, EC and OKP (EdDSA). */
const PUBLIC_KEY_TYPES: ReadonlySet<string> = new Set(["RSA", "EC", "OKP"]);
/** Printable ASCII without spaces: what an operator may type as `iss` or a client id. */
const VISIBLE = /^[\x21-\x7E]+$/;

const invalid = (message: string) => OAuthErrors.invalidRequest(message);

/**
 * The operator's registry of trusted JWT issuers (DESIGN "Trust in outside issuers is one registry"): validates and
 * stores each issuer's uses, allowed clients, subject mapping, public keys or `jwks_uri`, and assertion lifetime. Every
 * write reaches every node at once through the change log. Bad input is `invalid_request` naming the field.
 */
@injectable()
export class TrustedIssuerService {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Trusts an issuer, replacing the one with the same `iss` (its creation time is kept). */
  async put(input: TrustedIssuerInput): Promise<TrustedIssuer> {
    const now = this.clock.now();
    const issuer: TrustedIssuer = {
      issuer: this.issuerOf(input.issuer),
      uses: usesOf(input.uses),
      allowedClients: clientsOf(input.allowedClients ?? []),
      subjectMapping: mappingOf(input.subjectMapping),
      ...this.keysOf(input),
      maxLifetime: lifetimeOf(input.maxLifetime ?? this.config.assertionMaxLifetime),
      createdAt: now,
      updatedAt: now,
    };
    await this.storage.trustedIssuers.upsert(issuer);
    return (await this.storage.trustedIssuers.find(issuer.issuer)) ?? issuer;
  }

  get(issuer: string): Promise<TrustedIssuer | undefined> {
    return this.storage.trustedIssuers.find(issuer);
  }

  /** Every trusted issuer, by `iss`. */
  list(): Promise<TrustedIssuer[]> {
    return this.storage.trustedIssuers.list();
  }

  /** Stops trusting an issuer at once on every node; false when it was not trusted. */
  delete(issuer: string): Promise<boolean> {
    return this.storage.trustedIssuers.delete(issuer);
  }

  private issuerOf(value: string): string {
    if (!VISIBLE.test(value) || value.length > MAX_ISSUER_LENGTH) throw invalid(`iss must be 1 to ${MAX_ISSUER_LENGTH} visible ASCII characters (RFC 7519 §4.1.1)`);
    return value;
  }

  /** Exactly one key source: public keys inline, or a `jwks_uri` the SafeFetcher may fetch. */
  private keysOf(input: TrustedIssuerInput): Pick<TrustedIssuer, "jwks" | "jwksUri"> {
    if ((input.jwks === undefined) === (input.jwksUri === undefined)) throw invalid("exactly one of jwks and jwks_uri is required");
    if (input.jwks !== undefined) return { jwks: publicKeySet(input.jwks) };
    const uri = input.jwksUri!;
    const problem = uri.length > MAX_URI_LENGTH ? "is too long" : httpsUrlProblem(uri, this.config.fetchAllowPrivate);
    if (problem) throw invalid(`jwks_uri ${problem}`);
    return { jwksUri: uri };
  }
}

function usesOf(values: readonly string[]): TrustedIssuerUse[] {
  if (values.length === 0) throw invalid(`uses must name at least one of ${TRUSTED_ISSUER_USES.join(", ")}`);
  const unknown = values.find((use) => !(TRUSTED_ISSUER_USES as readonly string[]).includes(use));
  if (unknown !== undefined) throw invalid(`uses: unknown use ${unknown} (one of ${TRUSTED_ISSUER_USES.join(", ")})`);
  return [...new Set(values as readonly TrustedIssuerUse[])];
}

function clientsOf(values: readonly string[]): string[] {
  const bad = values.find((id) => !VISIBLE.test(id) || id.length > MAX_CLIENT_ID_LENGTH);
  if (bad !== undefined) throw invalid("allowed clients must be client ids (visible ASCII) or *");
  if (values.includes(ANY_CLIENT) && values.length > 1) throw invalid("allowed clients: * stands alone");
  return [...new Set(values)];
}

function mappingOf(value: string): SubjectMapping {
  if (!(SUBJECT_MAPPINGS as readonly string[]).includes(value)) throw invalid(`subject mapping must be one of ${SUBJECT_MAPPINGS.join(", ")}`);
  return value as SubjectMapping;
}

function lifetimeOf(seconds: number): number {
  const [min, max] = LIFETIME_RANGE;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) throw invalid(`max lifetime must be ${min}..${max} seconds`);
  return seconds;
}

/** A JWK Set of 1..MAX_KEYS well-formed RSA, EC or OKP public keys (RFC 7517 §5); private or symmetric keys are refused. */
function publicKeySet(value: unknown): JSONWebKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== "object" || !Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw invalid(`jwks must be a JWK Set with 1 to ${MAX_KEYS} keys (RFC 7517 §5)`);
  }
  keys.forEach((key: unknown, i) => {
    const jwk = key as JWK;
    if (typeof key !== "object" || key === null || !PUBLIC_KEY_TYPES.has(jwk.kty as string)) throw invalid(`jwks.keys[${i}] must be an RSA, EC or OKP public key`);
    const member = privateMemberOf(jwk);
    if (member) throw invalid(`jwks.keys[${i}] must be a public key (it has the private member ${member})`);
    try {
      createPublicKey({ key: jwk as never, format: "jwk" });
    } catch {
      throw invalid(`jwks.keys[${i}] is not a valid ${jwk.kty} public key`);
    }
  });
  return { keys: keys as JWK[] };
}
