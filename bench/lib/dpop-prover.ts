import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from "node:crypto";

/** A client's DPoP key (P-256) that writes proofs with node:crypto only, cheap enough for a load generator (RFC 9449 §4.2). */
export class DpopProver {
  private readonly privateKey: KeyObject;
  private readonly encodedHeader: string;

  /** A new key, or the private JWK of another process's prover (so its bound tokens can be used here). */
  constructor(privateJwk?: JsonWebKey) {
    const privateKey = privateJwk ? createPrivateKey({ key: privateJwk, format: "jwk" }) : generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: "jwk" });
    this.privateKey = privateKey;
    this.encodedHeader = Buffer.from(JSON.stringify({ typ: "dpop+jwt", alg: "ES256", jwk: { kty, crv, x, y } })).toString("base64url");
  }

  /** The private key as a JWK, to hand to a load process. */
  privateJwk(): JsonWebKey {
    return this.privateKey.export({ format: "jwk" });
  }

  /** A fresh proof for one request; `accessToken` adds `ath` (RFC 9449 §4.2) for a protected resource. */
  proof(htm: string, htu: string, accessToken?: string): string {
    const claims = { jti: randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000), ...(accessToken && { ath: createHash("sha256").update(accessToken).digest("base64url") }) };
    const input = `${this.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
    return `${input}.${sign("sha256", Buffer.from(input), { key: this.privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
  }
}
