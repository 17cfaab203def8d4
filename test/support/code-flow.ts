import assert from "node:assert/strict";
import { HttpBrowser } from "./http-browser.js";

/** The redirect URI of the web clients in the fault tests. */
export const CALLBACK = "https://app.example.test/cb";
/** RFC 7636 appendix B's verifier and its S256 challenge. */
export const PKCE_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
export const PKCE_CHALLENGE = { code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" } as const;

/** A code request (RFC 6749 §4.1.1) to `base` for `clientId` with PKCE, asking for consent; `extra` adds or replaces parameters. */
export function authorizeUrl(base: string, clientId: string, scope: string, extra: Record<string, string> = {}): string {
  return `${base}/authorize?${new URLSearchParams({ client_id: clientId, response_type: "code", redirect_uri: CALLBACK, scope, state: "s", prompt: "consent", ...PKCE_CHALLENGE, ...extra })}`;
}

/** Follows `url` through the sign-in (as `user`) and consent pages to the callback and returns the code. */
export async function signInForCode(url: string, issuer: string, user: { username: string; password: string }, browser = new HttpBrowser()): Promise<string> {
  const { location } = await browser.authorize(url, issuer, { credentials: user, consent: "approve" });
  const code = location?.searchParams.get("code");
  assert.ok(code, `no code at the callback: ${location}`);
  return code;
}

/** The token request form that redeems `code` (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export const codeRedemption = (code: string) => ({ grant_type: "authorization_code", code, redirect_uri: CALLBACK, code_verifier: PKCE_VERIFIER });
