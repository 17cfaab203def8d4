import { JwtClientAssertionAuthenticator } from "../../../src/plugin-sdk/client-auth-support.js";

/** `private_key_jwt`: a JWT assertion signed with a key from the client's JWKS (RFC 7523 §2.2, OIDC Core §9). */
export class PrivateKeyJwtClientAuth extends JwtClientAssertionAuthenticator {
  readonly method = "private_key_jwt";
  readonly signingAlgorithms = ["PS256", "ES256", "EdDSA", "RS256", "PS384", "ES384", "RS384"] as const;
  protected readonly keySource = "jwks";
}
