import { OAuthErrors } from "../../plugin-sdk/errors.js";

/** Every error code the SDK's factories make (RFC 6749 §5.2 and the other specs of OAuthErrorCode). */
const KNOWN_ERRORS: ReadonlySet<string> = new Set(Object.values(OAuthErrors).map((make) => make().error));

/** `error` as a metric label: a known OAuth error code, or "other" (a plugin's own codes must not grow the label set). */
export function errorLabel(error: string): string {
  return KNOWN_ERRORS.has(error) ? error : "other";
}
