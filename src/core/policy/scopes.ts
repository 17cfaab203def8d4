/** Scopes defined by OpenID Connect Core §5.4 and §11. */
export const OPENID_SCOPES: readonly string[] = ["openid", "profile", "email", "address", "phone", "offline_access"];

/** Scopes that gate the internal gRPC API; granted only when listed in a client's own `scope` metadata. */
export const INTERNAL_SCOPE_PREFIX = "portcullis:";

/** The internal scopes, per group of internal methods (DESIGN "Listeners"); `tokens` also marks trusted resource servers. */
export const InternalScopes = {
  validate: "portcullis:validate",
  tokens: "portcullis:tokens",
  mint: "portcullis:mint",
  clientsRead: "portcullis:clients:read",
  clientsWrite: "portcullis:clients:write",
  sessions: "portcullis:sessions",
  issuersRead: "portcullis:issuers:read",
  issuersWrite: "portcullis:issuers:write",
} as const;

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Splits a scope parameter into unique scope tokens; undefined when a token has illegal characters (RFC 6749 §3.3). */
export function parseScope(value: string | undefined): string[] | undefined {
  if (value === undefined) return [];
  const tokens = value.split(" ").filter(Boolean);
  return tokens.every((t) => SCOPE_TOKEN.test(t)) ? [...new Set(tokens)] : undefined;
}
