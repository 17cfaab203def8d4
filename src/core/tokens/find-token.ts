import type { ActiveToken, TokenValidator } from "./access-token.js";

/** Looks a token up as access or refresh token, trying the hinted type first (RFC 7009 §2.1, RFC 7662 §2.1). */
export async function findToken(validator: TokenValidator, token: string, hint: string | undefined): Promise<ActiveToken | undefined> {
  if (token.length > 8192) return undefined;
  if (hint === "refresh_token") return (await validator.validateRefreshToken(token)) ?? (await validator.validateAccessToken(token));
  return (await validator.validateAccessToken(token)) ?? (await validator.validateRefreshToken(token));
}
