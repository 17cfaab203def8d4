import type { JSONWebKeySet } from "jose";
import type { TrustedIssuerUse } from "../../plugin-sdk/capabilities.js";

/** How a trusted issuer's `sub` names a local user: by username, by local user id, or not at all (used as is). */
export const SUBJECT_MAPPINGS = ["username", "id", "pass-through"] as const;
export type SubjectMapping = (typeof SUBJECT_MAPPINGS)[number];

/** The `allowedClients` entry that allows every client. */
export const ANY_CLIENT = "*";

/** An outside JWT issuer the operator trusts (DESIGN "Trust in outside issuers is one registry"); exactly one of jwks, jwksUri. */
export interface TrustedIssuer {
  /** The exact `iss` value (RFC 7519 §4.1.1). */
  issuer: string;
  uses: TrustedIssuerUse[];
  /** Client ids that may present its JWTs; [ANY_CLIENT] allows every client, [] none. */
  allowedClients: string[];
  subjectMapping: SubjectMapping;
  /** Inline public keys (RFC 7517 §5). */
  jwks?: JSONWebKeySet;
  /** Where its public keys are published, fetched through the SafeFetcher. */
  jwksUri?: string;
  /** Longest accepted `exp` − now, in seconds. */
  maxLifetime: number;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms of the last write; the version of its cached keys. */
  updatedAt: number;
}

/** Durable trusted issuers; every write is recorded in the change log so every node drops its cached copy. */
export interface TrustedIssuerRepository {
  /** Creates or replaces the issuer; a replacement keeps the stored `createdAt`. */
  upsert(issuer: TrustedIssuer): Promise<void>;
  find(issuer: string): Promise<TrustedIssuer | undefined>;
  /** Every trusted issuer, ordered by `issuer`. */
  list(): Promise<TrustedIssuer[]>;
  delete(issuer: string): Promise<boolean>;
}
