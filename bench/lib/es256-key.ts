import { generateKeyPairSync, createHash, type JsonWebKey } from "node:crypto";

/** A fresh P-256 key as a private JWK with its RFC 7638 thumbprint as `kid`. */
export function es256PrivateJwk(): JsonWebKey & { kid: string; alg: "ES256"; use: "sig" } {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  const thumbprintInput = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  const kid = createHash("sha256").update(thumbprintInput).digest("base64url");
  return { ...jwk, kid, alg: "ES256", use: "sig" };
}
