import { MutualTlsClientAuthenticator, OAuthErrors, type Client, type ClientMetadata, type PresentedCertificate } from "portcullis/plugin-sdk";
import { ParsedCertificates } from "./parsed-certificates.js";
import { CERTIFICATE_NAME_RULES, certificateNamesOf, TLS_CLIENT_AUTH } from "./tls-client-auth-metadata.js";

/**
 * `tls_client_auth` (RFC 8705 §2.1): a certificate whose chain verified against the configured client CAs and whose
 * subject DN or subject alternative name equals the one the client registered.
 */
export class TlsClientAuth extends MutualTlsClientAuthenticator {
  readonly method = TLS_CLIENT_AUTH;
  private readonly certificates = new ParsedCertificates();

  protected async verifyCertificate(certificate: PresentedCertificate & { thumbprint: string }, client: Client): Promise<void> {
    if (!certificate.chainVerified) throw OAuthErrors.invalidClient("the client certificate does not chain to a trusted client CA");
    const [name] = certificateNamesOf(client.metadata);
    const expected = name === undefined ? undefined : client.metadata[name];
    if (name === undefined || typeof expected !== "string" || !CERTIFICATE_NAME_RULES.get(name)!.matches(this.certificates.get(certificate.thumbprint, certificate.der), expected)) {
      throw OAuthErrors.invalidClient(`the client certificate does not match the registered ${name ?? "certificate name"}`);
    }
  }

  /** Exactly one of the `tls_client_auth_*` fields names the certificate (RFC 8705 §2.1.2). */
  validateMetadata(metadata: Readonly<ClientMetadata>): void {
    const names = certificateNamesOf(metadata);
    if (names.length !== 1) {
      throw OAuthErrors.invalidClientMetadata(`token_endpoint_auth_method ${this.method} requires exactly one of ${[...CERTIFICATE_NAME_RULES.keys()].join(", ")}${names.length > 1 ? ` (got ${names.join(", ")})` : ""}`);
    }
  }
}
