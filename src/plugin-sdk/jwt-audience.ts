/** A JWT's `aud` as a list (RFC 7519 §4.1.3: one string or an array of strings); empty when absent or malformed. */
export function audiencesOf(aud: unknown): string[] {
  if (typeof aud === "string") return [aud];
  return Array.isArray(aud) && aud.every((a) => typeof a === "string") ? [...(aud as string[])] : [];
}
