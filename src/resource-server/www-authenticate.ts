import type { TokenScheme } from "./authorization-header.js";

/** The attributes of one `WWW-Authenticate` challenge (RFC 6750 §3, RFC 9449 §7.1). */
export interface Challenge {
  scheme: TokenScheme;
  realm?: string;
  error?: string;
  description?: string;
  /** The scopes the resource requires, on `insufficient_scope` (RFC 6750 §3). */
  scope?: readonly string[];
  /** The JWS algs the resource accepts in DPoP proofs (RFC 9449 §7.1 `algs`). */
  algs?: readonly string[];
}

/** `name="value"` with `"` and `\` escaped (RFC 9110 §5.6.4 quoted-string). */
function param(name: string, value: string): string {
  return `${name}="${value.replace(/["\\]/g, "\\$&")}"`;
}

/** A challenge as a `WWW-Authenticate` value (RFC 6750 §3, RFC 9449 §7.1): the scheme alone, or with its attributes. */
export function formatChallenge(challenge: Challenge): string {
  const params = [
    challenge.realm === undefined ? undefined : param("realm", challenge.realm),
    challenge.error === undefined ? undefined : param("error", challenge.error),
    challenge.description === undefined ? undefined : param("error_description", challenge.description),
    challenge.scope?.length ? param("scope", challenge.scope.join(" ")) : undefined,
    challenge.algs?.length ? param("algs", challenge.algs.join(" ")) : undefined,
  ].filter((p) => p !== undefined);
  return params.length === 0 ? challenge.scheme : `${challenge.scheme} ${params.join(", ")}`;
}
