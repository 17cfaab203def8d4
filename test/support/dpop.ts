import { constants, createHash, generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from "node:crypto";
import { jwkThumbprint } from "../../src/core/keys/jwk-thumbprint.js";

/** Algs a test key can sign with, and how node:crypto does it (RFC 7518 §3, RFC 8037 §3.1). */
const SIGNERS = {
  ES256: { generate: () => generateKeyPairSync("ec", { namedCurve: "P-256" }), digest: "sha256", options: { dsaEncoding: "ieee-p1363" as const } },
  ES384: { generate: () => generateKeyPairSync("ec", { namedCurve: "P-384" }), digest: "sha384", options: { dsaEncoding: "ieee-p1363" as const } },
  RS256: { generate: () => generateKeyPairSync("rsa", { modulusLength: 2048 }), digest: "sha256", options: {} },
  PS256: { generate: () => generateKeyPairSync("rsa", { modulusLength: 2048 }), digest: "sha256", options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  EdDSA: { generate: () => generateKeyPairSync("ed25519"), digest: null, options: {} },
} as const;

export type TestDpopAlg = keyof typeof SIGNERS;

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** `ath`: base64url(SHA-256(access token)) (RFC 9449 §4.2). */
export const athOf = (token: string) => createHash("sha256").update(token).digest("base64url");

/** The claims of a proof; `undefined` members are left out, so a test can drop a required one. */
export type ProofClaims = Record<string, unknown> & { htm?: string; htu?: string; iat?: number; jti?: string };

/** A client's DPoP key pair that writes proofs (RFC 9449 §4.2), well-formed by default, anything a test asks for otherwise. */
export class DpopTestKey {
  readonly jwk: JsonWebKey;
  readonly jkt: string;
  private readonly privateKey: KeyObject;

  constructor(readonly alg: TestDpopAlg = "ES256") {
    const { publicKey, privateKey } = SIGNERS[alg].generate();
    this.privateKey = privateKey;
    this.jwk = publicKey.export({ format: "jwk" });
    this.jkt = jwkThumbprint(this.jwk);
  }

  /** The private JWK (with `d`), for the "private key in the header" case. */
  privateJwk(): JsonWebKey {
    return this.privateKey.export({ format: "jwk" });
  }

  /** A proof for `htm` `htu` at `nowMs` with a fresh `jti`; `claims` and `header` override or (as undefined) drop members. */
  proof(htm: string, htu: string, nowMs: number, claims: ProofClaims = {}, header: Record<string, unknown> = {}): string {
    return this.sign({ typ: "dpop+jwt", alg: this.alg, jwk: this.jwk, ...header }, { jti: randomUUID(), htm, htu, iat: Math.floor(nowMs / 1000), ...claims });
  }

  /** A compact JWS of exactly `header` and `claims` (undefined members dropped), signed with this key's alg. */
  sign(header: Record<string, unknown>, claims: Record<string, unknown>): string {
    const input = `${encode(defined(header))}.${encode(defined(claims))}`;
    const { digest, options } = SIGNERS[this.alg];
    return `${input}.${sign(digest, Buffer.from(input), { key: this.privateKey, ...options }).toString("base64url")}`;
  }
}

function defined(members: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(members).filter(([, value]) => value !== undefined));
}
