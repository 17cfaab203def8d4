import type { Client } from "./client.js";
import type { EndpointRequest } from "./request.js";

/**
 * What a request proved it holds, read by core before any grant runs (DESIGN "Proof of possession is core's"): the
 * JWK thumbprint of a verified DPoP proof's key (RFC 9449 §6.1) and the SHA-256 thumbprint of a verified client
 * certificate the token is to be bound to (RFC 8705 §3.1). A grant may refuse or carry it, never drop it.
 */
export interface SenderBinding {
  readonly jkt?: string;
  readonly x5tS256?: string;
}

/** A request that proved nothing. */
export const UNBOUND: SenderBinding = Object.freeze({});

/** The `cnf` claim of a token bound to `binding` (RFC 7800 §3.1), or undefined when unbound. */
export function confirmationOf(binding: SenderBinding): { jkt?: string; "x5t#S256"?: string } | undefined {
  if (binding.jkt === undefined && binding.x5tS256 === undefined) return undefined;
  return { ...(binding.jkt !== undefined && { jkt: binding.jkt }), ...(binding.x5tS256 !== undefined && { "x5t#S256": binding.x5tS256 }) };
}

/**
 * True when `proven` holds every member of a `cnf` claim (RFC 7800 §3.1): `jkt` the DPoP key (RFC 9449 §6.1),
 * `x5t#S256` the certificate (RFC 8705 §3.1); a member this server does not know is never proven.
 */
export function provesConfirmation(proven: SenderBinding, cnf: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(cnf).every(([member, value]) => typeof value === "string" && value === (member === "jkt" ? proven.jkt : member === "x5t#S256" ? proven.x5tS256 : undefined));
}

/**
 * True when `proven` holds what something bound to `required` demands (RFC 9449 §5 refresh tokens, §10 codes; RFC 8705
 * §4): the same DPoP key and the same certificate; an unbound `required` demands nothing.
 */
export function proves(proven: SenderBinding, required: SenderBinding | undefined): boolean {
  return provesConfirmation(proven, confirmationOf(required ?? UNBOUND) ?? {});
}

/** Core's proof-of-possession checks for a plugin's own endpoint (RFC 9449 §4.3, RFC 8705 §3). */
export interface SenderProofs {
  /**
   * What `request` proves it holds for `client`: its DPoP proof's key (`htm`/`htu` checked against this request) and,
   * when the client registered `tls_client_certificate_bound_access_tokens`, its TLS client certificate (RFC 8705 §3);
   * UNBOUND without either. A proof that fails throws 400 invalid_dpop_proof, or use_dpop_nonce with a `DPoP-Nonce` header.
   */
  presented(request: EndpointRequest, client: Client): Promise<SenderBinding>;
}
