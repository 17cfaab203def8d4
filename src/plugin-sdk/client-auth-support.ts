import { createHash } from "node:crypto";
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { AuthenticatedClient, Client } from "./client.js";
import type { ClientAssertionExpectation, ClientAuthContext, ClientAuthenticator } from "./client-auth.js";
import { OAuthErrors } from "./errors.js";
import { ClientAttestationHeaders } from "./attestation.js";
import { headerValue, type EndpointRequest, type PresentedCertificate } from "./request.js";

/** The `client_assertion_type` of JWT client authentication (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

const CREDENTIAL_PARAMETERS = ["client_secret", "client_assertion", "client_assertion_type"] as const;
const CREDENTIAL_HEADERS = ["authorization", ClientAttestationHeaders.attestation, ClientAttestationHeaders.pop] as const;

/**
 * True when the request names a client by `client_id` and carries no credential in its parameters or headers (a client
 * attestation is one, draft-ietf-oauth-attestation-based-client-auth §7.5): the shape of `none` (RFC 6749 §2.1) and of
 * mutual-TLS authentication, whose credential is the connection (RFC 8705 §2).
 */
export function namesClientOnly(request: EndpointRequest): boolean {
  const { params } = request;
  return params.has("client_id") && !CREDENTIAL_HEADERS.some((name) => headerValue(request, name) !== undefined) && !CREDENTIAL_PARAMETERS.some((name) => params.has(name));
}

/** Authenticates `clientId` by a shared secret; unknown client and wrong secret MUST give the same `invalid_client` (RFC 6749 §2.3.1). */
export async function authenticateBySecret(
  ctx: ClientAuthContext,
  clientId: string | undefined,
  secret: string,
  method: string,
): Promise<AuthenticatedClient> {
  const client = clientId === undefined ? undefined : await ctx.findClient(clientId);
  if (!client || !ctx.secretMatches(client, secret)) throw OAuthErrors.invalidClient("client authentication failed");
  return { client, method };
}

/** The `alg` of a compact JWS header, without verifying anything; undefined when malformed or not a string (RFC 7515 §4.1.1). */
function headerAlg(assertion: string | undefined): string | undefined {
  if (assertion === undefined) return undefined;
  try {
    const { alg } = decodeProtectedHeader(assertion) as { alg?: unknown };
    return typeof alg === "string" ? alg : undefined;
  } catch {
    return undefined;
  }
}

/** The `sub` of a JWT, without verifying anything: only a hint of which client to look up (RFC 7523 §3). */
function unverifiedSubject(assertion: string | undefined): string | undefined {
  if (assertion === undefined) return undefined;
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === "string" && sub !== "" ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Shared rules of `client_secret_jwt` and `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9): detection by the assertion's
 * `alg` family (HS* → secret, anything else → keys, so exactly one of the two claims a request), the client id from
 * `client_id` when sent (it MUST then equal iss and sub) else from the unverified `sub`; core verifies the rest.
 */
export abstract class JwtClientAssertionAuthenticator implements ClientAuthenticator {
  abstract readonly method: string;
  abstract readonly signingAlgorithms: readonly string[];
  /** Where core takes the verification key from. */
  protected abstract readonly keySource: ClientAssertionExpectation["keySource"];
  readonly parameters = ["client_id", "client_assertion", "client_assertion_type"] as const;

  detect(request: EndpointRequest): boolean {
    const { params } = request;
    if (!params.has("client_assertion") && !params.has("client_assertion_type")) return false;
    const hmac = headerAlg(params.get("client_assertion"))?.startsWith("HS") ?? false;
    return hmac === (this.keySource === "secret");
  }

  claimedClientId(request: EndpointRequest): string | undefined {
    return request.params.get("client_id") ?? unverifiedSubject(request.params.get("client_assertion"));
  }

  async authenticate(request: EndpointRequest, ctx: ClientAuthContext): Promise<AuthenticatedClient> {
    if (request.params.get("client_assertion_type") !== JWT_BEARER_ASSERTION_TYPE) {
      throw OAuthErrors.invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
    }
    const assertion = request.params.get("client_assertion");
    if (assertion === undefined) throw OAuthErrors.invalidClient("client_assertion is missing");
    const clientId = this.claimedClientId(request);
    if (clientId === undefined) throw OAuthErrors.invalidClient("client assertion names no client (sub)");
    const client = await ctx.verifyClientAssertion(assertion, clientId, { keySource: this.keySource });
    return { client, method: this.method };
  }
}

/**
 * Shared rules of mutual-TLS client authentication (RFC 8705 §2): a request with a TLS client certificate, `client_id`
 * and no other credential; several such methods (and `none`) detect it, so core picks the one the named client
 * registered (`ambient`). The method decides whether the certificate authenticates that client.
 */
export abstract class MutualTlsClientAuthenticator implements ClientAuthenticator {
  abstract readonly method: string;
  readonly parameters = ["client_id"] as const;
  readonly ambient = true;
  readonly requiresClientCertificate = true;

  /** Throws `invalid_client` unless `certificate` (with its `x5t#S256` thumbprint) authenticates `client` by this method's rule. */
  protected abstract verifyCertificate(certificate: PresentedCertificate & { thumbprint: string }, client: Client, ctx: ClientAuthContext): Promise<void>;

  detect(request: EndpointRequest): boolean {
    return request.clientCertificate !== undefined && namesClientOnly(request);
  }

  claimedClientId(request: EndpointRequest): string | undefined {
    return request.params.get("client_id");
  }

  async authenticate(request: EndpointRequest, ctx: ClientAuthContext): Promise<AuthenticatedClient> {
    const clientId = request.params.get("client_id");
    const certificate = request.clientCertificate;
    const client = clientId === undefined ? undefined : await ctx.findClient(clientId);
    if (!client || !certificate) throw OAuthErrors.invalidClient("client authentication failed");
    const thumbprint = createHash("sha256").update(certificate.der).digest("base64url");
    await this.verifyCertificate({ ...certificate, thumbprint }, client, ctx);
    return { client, method: this.method, certificateThumbprint: thumbprint };
  }
}
