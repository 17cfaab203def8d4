import type { KeyObject } from "node:crypto";
import type { JSONWebKeySet } from "jose";

export type SigningAlg = "ES256" | "RS256" | "PS256" | "EdDSA";

export interface ActiveSigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

/** Signing keys: generated at first start, sealed at rest, rotated with overlap (RFC 7517, OIDC Core §10.1.1). */
export interface KeyService {
  /** Ensures one active key per configured alg and loads all published keys. */
  start(): Promise<void>;
  /** The active key for `alg`; throws when none is configured. */
  activeKey(alg: SigningAlg): ActiveSigningKey;
  /** The public key for `kid`, reloading once from storage when unknown. */
  publicKey(kid: string): Promise<{ alg: SigningAlg; key: KeyObject } | undefined>;
  /** Public members only (RFC 7517 §5). */
  jwks(): JSONWebKeySet;
  /** Makes a new key active for each alg (or one alg); the old ones stay published until their tokens expire. */
  rotate(alg?: SigningAlg): Promise<void>;
  /** Re-reads keys from storage (another node or the CLI may have rotated). */
  reload(): Promise<void>;
  stop(): void;
}

/** Authenticated encryption of secrets at rest (AES-256-GCM). */
export interface Sealer {
  seal(plaintext: string, associatedData?: string): string;
  /** Throws when the value was tampered with or sealed with another key. */
  unseal(sealed: string, associatedData?: string): string;
}
