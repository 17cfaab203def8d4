import { FormParams } from "../../plugin-sdk/form-params.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Strict application/x-www-form-urlencoded parsing (RFC 6749 Appendix B): bad encoding or NUL → invalid_request. */
export function parseForm(body: string | Buffer): FormParams {
  const text = typeof body === "string" ? body : decodeUtf8(body);
  const params = new FormParams();
  if (text === "") return params;
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decodeComponent(pair.slice(eq + 1));
    params.append(name, value);
  }
  return params;
}

function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw OAuthErrors.invalidRequest("request body is not valid UTF-8");
  }
}

function decodeComponent(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    throw OAuthErrors.invalidRequest("malformed percent-encoding in request parameters");
  }
  if (decoded.includes("\0")) throw OAuthErrors.invalidRequest("request parameters must not contain NUL characters");
  return decoded;
}
