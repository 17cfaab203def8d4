/** Authentication Context Class References this OP asserts (OIDC Core §2 `acr`, §3.1.2.1 `acr_values`). */
export const ACR = {
  /** One factor (password). */
  singleFactor: "urn:portcullis:acr:pwd",
  /** A first factor plus a second one (e.g. password + TOTP). */
  multiFactor: "urn:portcullis:acr:mfa",
} as const;

/** Every acr value, for `acr_values_supported` (OIDC Discovery §3). */
export const ACR_VALUES: readonly string[] = [ACR.singleFactor, ACR.multiFactor];

/** The acr of an authentication from its RFC 8176 amr values: two or more methods are multi-factor. */
export function acrFor(amr: readonly string[]): string {
  return new Set(amr).size >= 2 ? ACR.multiFactor : ACR.singleFactor;
}

/**
 * Whether a login of `acr` satisfies the requested acr values (OIDC Core §3.1.2.1 `acr_values`, §5.5.1.1 `acr` claim):
 * only a request for the multi-factor acr is enforced, and only a multi-factor login meets it. The one place this is decided.
 */
export function satisfiesAcr(acr: string | undefined, requested: readonly string[]): boolean {
  return !requested.includes(ACR.multiFactor) || acr === ACR.multiFactor;
}
