import { createHash, timingSafeEqual } from "node:crypto";
import { OAuthErrors } from "../../plugin-sdk/errors.js";

/** PKCE transformation methods (RFC 7636 §4.2); "plain" only when `PKCE_PLAIN_ALLOWED` is set. */
export type PkceMethod = "S256" | "plain";

export interface PkceOptions {
  /** Accept `plain` (RFC 7636 §4.2 allows it; RFC 9700 §2.1.1 and FAPI 2.0 recommend S256 only). */
  plainAllowed: boolean;
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const S256_CHALLENGE = /^[A-Za-z0-9\-._~]{43}$/;

const sha256 = (value: string) => createHash("sha256").update(value, "ascii").digest();

/** Checks a code_challenge at the authorization endpoint (RFC 7636 §4.3); an omitted method means plain. Returns the method. */
export function validateChallenge(challenge: string, method: string | undefined, options: PkceOptions): PkceMethod {
  const effective = method ?? "plain";
  if (effective !== "S256" && !(effective === "plain" && options.plainAllowed)) {
    throw OAuthErrors.invalidRequest(options.plainAllowed ? "code_challenge_method must be S256 or plain" : "code_challenge_method must be S256");
  }
  const pattern = effective === "S256" ? S256_CHALLENGE : VERIFIER;
  if (!pattern.test(challenge)) throw OAuthErrors.invalidRequest("code_challenge is malformed");
  return effective;
}

/** Verifies a code_verifier against the stored challenge (RFC 7636 §4.1, §4.6) in constant time; throws invalid_grant. */
export function verifyPkce(challenge: string, method: PkceMethod, verifier: string | undefined, options: PkceOptions): void {
  if (verifier === undefined) throw OAuthErrors.invalidGrant("code_verifier is required");
  if (!VERIFIER.test(verifier)) throw OAuthErrors.invalidGrant("code_verifier is malformed");
  if (method === "plain" && !options.plainAllowed) throw OAuthErrors.invalidGrant("the plain PKCE method is not allowed");
  const [expected, presented] =
    method === "S256" ? [Buffer.from(challenge, "ascii"), Buffer.from(sha256(verifier).toString("base64url"), "ascii")] : [sha256(challenge), sha256(verifier)];
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) throw OAuthErrors.invalidGrant("code_verifier does not match the code_challenge");
}
