import { createHash, type JsonWebKey } from "node:crypto";

/** Required thumbprint members per kty, in lexicographic order (RFC 7638 §3.2). */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = { EC: ["crv", "kty", "x", "y"], RSA: ["e", "kty", "n"], OKP: ["crv", "kty", "x"] };

/** The RFC 7638 JWK thumbprint (SHA-256, base64url): the kid of our signing keys, the `jkt` of a DPoP key (RFC 9449 §6.1). */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (!members) throw new Error(`no thumbprint members for kty ${String(jwk.kty)}`);
  return createHash("sha256").update(JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m]])))).digest("base64url");
}
