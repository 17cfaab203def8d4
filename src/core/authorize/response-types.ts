import type { Prompt, ResponseMode } from "./authorization-request.js";

/** The response types of OAuth 2.0 Multiple Response Types §3 and OIDC Core §3 that the authorization endpoint serves. */
export const AUTHORIZATION_RESPONSE_TYPES: readonly string[] = ["code", "id_token", "code id_token", "id_token token", "code token", "code id_token token"];

/** Every response_mode the authorization endpoint serves (OAuth 2.0 Multiple Response Types §2.1, Form Post Response Mode, JARM §2.3). */
export const RESPONSE_MODES: readonly ResponseMode[] = ["query", "fragment", "form_post", "jwt", "query.jwt", "fragment.jwt", "form_post.jwt"];

/** The prompt values of OIDC Core §3.1.2.1, all supported. */
export const PROMPT_VALUES: readonly Prompt[] = ["none", "login", "consent", "select_account"];

/** A response type as the sorted set of its values: "id_token code" equals "code id_token" (OAuth 2.0 Multiple Response Types §3). */
export function normalizeResponseType(responseType: string): string {
  return [...new Set(responseType.split(" ").filter(Boolean))].sort().join(" ");
}

/** True when the (normalised) response type returns a token in the front channel (OAuth 2.0 Multiple Response Types §3). */
export function returnsTokens(responseType: string): boolean {
  const values = responseType.split(" ");
  return values.includes("token") || values.includes("id_token");
}

/** The default mode: query for "code" alone, fragment for everything else (OAuth 2.0 Multiple Response Types §2.1, §5). */
export function defaultResponseMode(responseType: string): "query" | "fragment" {
  return responseType === "code" ? "query" : "fragment";
}

/** `jwt` resolved to the JARM mode of the response type's default (JARM §2.3.4). */
export function effectiveResponseMode(mode: ResponseMode, responseType: string): ResponseMode {
  return mode === "jwt" ? `${defaultResponseMode(responseType)}.jwt` : mode;
}
