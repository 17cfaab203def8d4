import { JwtClientAssertionAuthenticator, OAuthErrors, type ClientMetadata } from "portcullis/plugin-sdk";

/** `private_key_jwt`: a JWT assertion signed with a key from the client's JWKS (RFC 7523 §2.2, OIDC Core §9). */
export class PrivateKeyJwtClientAuth extends JwtClientAssertionAuthenticator {
  readonly method = "private_key_jwt";
  readonly signingAlgorithms = ["PS256", "ES256", "EdDSA", "RS256", "PS384", "ES384", "RS384"] as const;
  protected readonly keySource = "jwks";

  /** The client's keys must be registered, by value or by reference (RFC 7591 §2 jwks, jwks_uri). */
  validateMetadata(metadata: Readonly<ClientMetadata>): void {
    if (!metadata.jwks && !metadata.jwks_uri) throw OAuthErrors.invalidClientMetadata(`token_endpoint_auth_method ${this.method} requires jwks or jwks_uri`);
  }
}
