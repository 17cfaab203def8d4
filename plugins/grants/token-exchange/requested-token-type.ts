import { OAuthErrors, TokenTypes } from "portcullis/plugin-sdk";

/** What a requested_token_type asks of core (RFC 8693 §2.1), and the issued_token_type that answers it (§2.2.1). */
export interface RequestedToken {
  /** The requested type (access token when the client named none). */
  type: string;
  /** What the response's access_token member holds. */
  issuedTokenType: string;
  refreshToken: boolean;
  format?: "jwt";
}

/**
 * An access token, as the client's format (opaque or JWT); `jwt`: an RFC 9068 JWT access token; `refresh_token`: an
 * access token plus a refresh token in `refresh_token` (RFC 8693 §2.2.1: access_token holds the access token).
 */
const REQUESTS: ReadonlyMap<string, Omit<RequestedToken, "type">> = new Map([
  [TokenTypes.accessToken, { issuedTokenType: TokenTypes.accessToken, refreshToken: false }],
  [TokenTypes.jwt, { issuedTokenType: TokenTypes.jwt, refreshToken: false, format: "jwt" as const }],
  [TokenTypes.refreshToken, { issuedTokenType: TokenTypes.accessToken, refreshToken: true }],
]);

/** The requested token type, or invalid_request for one this server does not issue (RFC 8693 §2.2.2). */
export function requestedTokenOf(value: string | undefined): RequestedToken {
  const type = value ?? TokenTypes.accessToken;
  const request = REQUESTS.get(type);
  if (!request) throw OAuthErrors.invalidRequest("unsupported requested_token_type");
  return { type, ...request };
}
