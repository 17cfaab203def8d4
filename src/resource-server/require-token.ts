import type { IncomingMessage, ServerResponse } from "node:http";
import { peerCertificateThumbprint } from "./peer-certificate.js";
import { requestUrl } from "./request-url.js";
import type { TokenValidator } from "./token-validator.js";
import type { TokenFailure, ValidatedToken } from "./token-validation.js";
import { formatChallenge } from "./www-authenticate.js";

export interface RequireTokenOptions {
  /** Scopes every request must carry (RFC 6750 §3.1 `insufficient_scope`). */
  scopes?: readonly string[];
  /** This resource's identifier, required in the token's `aud` (RFC 8707 §2). */
  audience?: string;
  /** The origin clients use to reach this server (`https://api.example.com`; a path is ignored): with the request's path, the DPoP `htu` (RFC 9449 §4.2). */
  publicUrl: string;
  /** `realm` of the challenges (RFC 6750 §3). */
  realm?: string;
  /** JWS algs advertised in DPoP challenges (RFC 9449 §7.1 `algs`); empty to offer no DPoP challenge on a request without a token. */
  dpopAlgs?: readonly string[];
  /** `Retry-After` (s) when Portcullis cannot be reached (RFC 9110 §10.2.3). */
  retryAfterSeconds?: number;
}

/** A node:http request handler that runs once the request's access token was validated. */
export type ProtectedHandler = (req: IncomingMessage, res: ServerResponse, token: ValidatedToken) => void | Promise<void>;

/** The algorithms Portcullis accepts in DPoP proofs (its `dpop_signing_alg_values_supported`), for RFC 9449 §7.1 `algs`. */
const DEFAULT_DPOP_ALGS = ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "EdDSA", "Ed25519"];

/**
 * Protects node:http handlers (RFC 6750 §2–3, RFC 9449 §7): reads the Authorization and DPoP headers, the method, the
 * absolute URL and the TLS client certificate, validates with `validator`, and either calls the handler with the
 * validated token or answers 400/401/403 with `WWW-Authenticate` (and `DPoP-Nonce` when Portcullis asks for one), or
 * 503 with `Retry-After` when Portcullis could not be asked (fail closed).
 */
export function requireToken(validator: TokenValidator, options: RequireTokenOptions): (handler: ProtectedHandler) => (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return (handler) => async (req, res) => {
    const validation = await validator.validate({
      authorization: req.headersDistinct.authorization,
      dpopProof: req.headersDistinct.dpop,
      method: req.method ?? "GET",
      url: requestUrl(options.publicUrl, req.url ?? "/"),
      clientCertificateThumbprint: peerCertificateThumbprint(req.socket),
      requiredScopes: options.scopes,
      requiredAudience: options.audience,
    });
    if (validation.active) return handler(req, res, validation.token);
    refuse(res, validation, options);
  };
}

/** Answers a refused request: the RFC 6750 §3.1 status for the error, with its challenge(s), or 503 when unavailable. */
function refuse(res: ServerResponse, failure: TokenFailure, options: RequireTokenOptions): void {
  const algs = options.dpopAlgs ?? DEFAULT_DPOP_ALGS;
  if (failure.error === "temporarily_unavailable") {
    res.writeHead(503, { "retry-after": String(options.retryAfterSeconds ?? 1), "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ error: failure.error, error_description: failure.description }));
    return;
  }
  if (failure.error === undefined) {
    const challenges = [formatChallenge({ scheme: "Bearer", realm: options.realm })];
    if (algs.length > 0) challenges.push(formatChallenge({ scheme: "DPoP", realm: options.realm, algs }));
    res.writeHead(401, { "www-authenticate": challenges }).end();
    return;
  }
  const challenge = formatChallenge({
    scheme: failure.scheme,
    realm: options.realm,
    error: failure.error,
    description: failure.description,
    scope: failure.error === "insufficient_scope" ? failure.requiredScopes : undefined,
    algs: failure.scheme === "DPoP" ? algs : undefined,
  });
  const headers: Record<string, string> = { "www-authenticate": challenge, "content-type": "application/json", "cache-control": "no-store" };
  if (failure.dpopNonce) headers["dpop-nonce"] = failure.dpopNonce;
  res.writeHead(statusOf(failure.error), headers);
  res.end(JSON.stringify({ error: failure.error, error_description: failure.description }));
}

/** RFC 6750 §3.1: 400 invalid_request, 403 insufficient_scope, 401 for every token or proof problem (RFC 9449 §7.1). */
function statusOf(error: string): number {
  if (error === "invalid_request") return 400;
  if (error === "insufficient_scope") return 403;
  return 401;
}
