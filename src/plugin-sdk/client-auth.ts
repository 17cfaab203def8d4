import type { JWK } from "jose";
import type { AuthenticatedClient, Client, ClientMetadata } from "./client.js";
import type { EndpointRequest } from "./request.js";

/** Expected shape of a JWT client assertion (RFC 7523 §3, OIDC Core §9). */
export interface ClientAssertionExpectation {
  /** private_key_jwt verifies with the client's JWKS; client_secret_jwt with its secret (HMAC). */
  keySource: "jwks" | "secret";
}

/** Core capabilities a client-authentication plugin may use; their security rules cannot be switched off. */
export interface ClientAuthContext {
  /** Looks a client up by id (cached). */
  findClient(clientId: string): Promise<Client | undefined>;
  /** Compares a presented secret to the client's stored digest in constant time (RFC 6749 §2.3.1). */
  secretMatches(client: Client, presented: string): boolean;
  /** Verifies a JWT client assertion: alg allow-list, signature, iss=sub=client_id, aud, exp, jti replay (RFC 7523 §3). */
  verifyClientAssertion(assertion: string, clientId: string, expectation: ClientAssertionExpectation): Promise<Client>;
  /**
   * The first of the client's registered keys (`jwks`, or `jwks_uri` fetched SSRF-safe and cached) that `matches`; on a
   * miss a `jwks_uri` is fetched again at most once per cooldown, so a client can rotate its keys (RFC 8705 §2.2.2).
   */
  findClientKey(client: Client, matches: (key: JWK) => boolean): Promise<JWK | undefined>;
}

/**
 * One `token_endpoint_auth_method` (RFC 7591 §2). Core requires exactly one detected method and that it
 * equals the client's registered method.
 */
export interface ClientAuthenticator {
  /** The registered method name, e.g. "client_secret_basic". */
  readonly method: string;
  /** Body parameters this method consumes (kept through parameter allow-lists). */
  readonly parameters: readonly string[];
  /**
   * True for a method whose credential is not in the request's parameters or headers (`none`; mutual TLS, whose
   * credential is the connection): such methods detect the same requests, and core picks the one the named client
   * registered (RFC 8705 §2: the client sends `client_id` so that the server can find it independently of the certificate).
   */
  readonly ambient?: boolean;
  /**
   * True for a method whose credential is a TLS client certificate (RFC 8705 §2): core offers it only when client
   * certificates reach the server (an mTLS listener or a trusted proxy header).
   */
  readonly requiresClientCertificate?: boolean;
  /** Signing algorithms this method accepts, for `token_endpoint_auth_signing_alg_values_supported` (RFC 8414 §2). */
  readonly signingAlgorithms?: readonly string[];
  /** True when the request carries this method's credentials; MUST NOT do I/O (RFC 6749 §2.3). */
  detect(request: EndpointRequest): boolean;
  /** The claimed client id, when the request names one. */
  claimedClientId(request: EndpointRequest): string | undefined;
  /** Authenticates or throws `invalid_client`; MUST compare secrets only through `ctx` (RFC 6749 §2.3). */
  authenticate(request: EndpointRequest, ctx: ClientAuthContext): Promise<AuthenticatedClient>;
  /** The method's own metadata rules, run at registration for clients registering this method (RFC 7591 §2); throws invalid_client_metadata. */
  validateMetadata?(metadata: Readonly<ClientMetadata>): void;
}
