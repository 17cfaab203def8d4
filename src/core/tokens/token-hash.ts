import { createHash } from "node:crypto";
import type { SigningAlg } from "../keys/key-service.js";

/** Hash function of each JWS alg for at_hash/c_hash: SHA-256 for *256 algs, SHA-512 for EdDSA with Ed25519 (OIDC Core §3.1.3.6). */
const TOKEN_HASH_DIGEST: Readonly<Record<SigningAlg, string>> = { ES256: "sha256", RS256: "sha256", PS256: "sha256", EdDSA: "sha512" };

/** base64url of the left-most half of the hash of the ASCII value (OIDC Core §3.1.3.6 c_hash, §3.2.2.9 at_hash). */
export function tokenHash(value: string, alg: SigningAlg): string {
  const digest = createHash(TOKEN_HASH_DIGEST[alg]).update(value, "ascii").digest();
  return digest.subarray(0, digest.length / 2).toString("base64url");
}
