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
