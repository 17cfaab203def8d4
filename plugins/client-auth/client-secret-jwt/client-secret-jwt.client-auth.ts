import { JwtClientAssertionAuthenticator } from "portcullis/plugin-sdk";

/** `client_secret_jwt`: a JWT assertion MACed with the client secret (RFC 7523 §2.2, OIDC Core §9). */
export class ClientSecretJwtClientAuth extends JwtClientAssertionAuthenticator {
  readonly method = "client_secret_jwt";
  readonly signingAlgorithms = ["HS256", "HS384", "HS512"] as const;
  protected readonly keySource = "secret";
}
