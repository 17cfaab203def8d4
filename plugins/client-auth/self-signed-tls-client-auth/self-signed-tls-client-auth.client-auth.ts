import { X509Certificate } from "node:crypto";
import type { JWK } from "jose";
import { MutualTlsClientAuthenticator, OAuthErrors, type Client, type ClientAuthContext, type ClientMetadata, type PresentedCertificate } from "portcullis/plugin-sdk";

/** The DER of a JWK's first `x5c` certificate (RFC 7517 §4.7: base64, not base64url), or undefined. */
function firstCertificate(key: JWK): Buffer | undefined {
  const [first] = Array.isArray(key.x5c) ? key.x5c : [];
  return typeof first === "string" ? Buffer.from(first, "base64") : undefined;
}

function parses(der: Buffer): boolean {
  try {
    return new X509Certificate(der) !== undefined;
  } catch {
    return false;
  }
}

/**
 * `self_signed_tls_client_auth` (RFC 8705 §2.2): no PKI; the certificate must be, byte for byte, the first `x5c`
 * certificate of one of the client's registered keys (`jwks` or `jwks_uri`). A key without `x5c` never matches.
 */
export class SelfSignedTlsClientAuth extends MutualTlsClientAuthenticator {
  readonly method = "self_signed_tls_client_auth";

  protected async verifyCertificate(certificate: PresentedCertificate & { thumbprint: string }, client: Client, ctx: ClientAuthContext): Promise<void> {
    const registered = await ctx.findClientKey(client, (key) => firstCertificate(key)?.equals(certificate.der) === true);
    if (!registered) throw OAuthErrors.invalidClient("the client certificate is not one of the client's registered certificates (jwks x5c)");
  }

  /** The certificates are registered as keys with `x5c` (RFC 8705 §2.2.2); inline ones must parse. */
  validateMetadata(metadata: Readonly<ClientMetadata>): void {
    if (!metadata.jwks && !metadata.jwks_uri) throw OAuthErrors.invalidClientMetadata(`token_endpoint_auth_method ${this.method} requires jwks or jwks_uri`);
    const keys = metadata.jwks?.keys ?? [];
    if (metadata.jwks && !keys.some((key) => firstCertificate(key) !== undefined)) {
      throw OAuthErrors.invalidClientMetadata(`token_endpoint_auth_method ${this.method} requires a key with an x5c certificate in jwks`);
    }
    keys.forEach((key, i) => {
      const der = firstCertificate(key);
      if (der !== undefined && !parses(der)) throw OAuthErrors.invalidClientMetadata(`jwks.keys[${i}].x5c[0] is not a base64 DER certificate`);
    });
  }
}
