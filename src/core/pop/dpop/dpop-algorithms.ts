import { constants, verify, type KeyObject, type VerifyKeyObjectInput } from "node:crypto";

/** What a key must be for an alg, and how node:crypto verifies it (RFC 7518 §3.3–3.5, RFC 8037 §3.1). */
interface AlgVerification {
  digest: string | null;
  /** node:crypto `asymmetricKeyType`s the alg signs with. */
  keyTypes: readonly string[];
  /** EC: the one curve of the alg (node:crypto names). */
  curve?: string;
  options: Omit<VerifyKeyObjectInput, "key">;
}

const ec = (digest: string, curve: string): AlgVerification => ({ digest, keyTypes: ["ec"], curve, options: { dsaEncoding: "ieee-p1363" } });
const rsa = (digest: string): AlgVerification => ({ digest, keyTypes: ["rsa"], options: {} });
const pss = (digest: string, saltLength: number): AlgVerification => ({ digest, keyTypes: ["rsa"], options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength } });
const eddsa = (keyTypes: readonly string[]): AlgVerification => ({ digest: null, keyTypes, options: {} });

const ALGORITHMS: Readonly<Record<string, AlgVerification>> = {
  ES256: ec("sha256", "prime256v1"),
  ES384: ec("sha384", "secp384r1"),
  ES512: ec("sha512", "secp521r1"),
  PS256: pss("sha256", 32),
  PS384: pss("sha384", 48),
  PS512: pss("sha512", 64),
  RS256: rsa("sha256"),
  RS384: rsa("sha384"),
  RS512: rsa("sha512"),
  EdDSA: eddsa(["ed25519", "ed448"]),
  // RFC 9864 §2.2 fully-specified name, which oauth4webapi sends for Ed25519 keys.
  Ed25519: eddsa(["ed25519"]),
};

/** Smallest RSA modulus accepted (RFC 7518 §3.3: 2048 bits or larger). */
const MIN_RSA_BITS = 2048;

/** The asymmetric algs a DPoP proof may use, never `none` or a MAC (RFC 9449 §4.2, §4.3); `dpop_signing_alg_values_supported` (§5.1). */
export const DPOP_SIGNING_ALGS: readonly string[] = Object.freeze(Object.keys(ALGORITHMS));

/** True when `alg` is an accepted DPoP alg. */
export function isDpopAlg(alg: unknown): alg is string {
  return typeof alg === "string" && Object.hasOwn(ALGORITHMS, alg);
}

/** True when `key` is the kind of key `alg` signs with: EC on its own curve, RSA of 2048 bits or more, Ed25519/Ed448. */
export function keyFitsAlg(alg: string, key: KeyObject): boolean {
  const spec = ALGORITHMS[alg]!;
  const details = key.asymmetricKeyDetails ?? {};
  if (!spec.keyTypes.includes(key.asymmetricKeyType ?? "")) return false;
  if (spec.curve !== undefined) return details.namedCurve === spec.curve;
  return key.asymmetricKeyType !== "rsa" || (details.modulusLength ?? 0) >= MIN_RSA_BITS;
}

/** Verifies a JWS signature over `signingInput` (RFC 7515 §5.2) with node:crypto; false for anything malformed. */
export function verifiesSignature(alg: string, key: KeyObject, signingInput: Buffer, signature: Buffer): boolean {
  const spec = ALGORITHMS[alg]!;
  try {
    return verify(spec.digest, signingInput, { key, ...spec.options }, signature);
  } catch {
    return false;
  }
}
