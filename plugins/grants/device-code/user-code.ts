/** RFC 8628 §6.1: twenty consonants, so no words can form and no character looks like another (no vowels, 0/O, 1/I/L). */
export const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
/** 8 characters of base 20: log2(20^8) ≈ 34.6 bits (RFC 8628 §5.1, §6.1). */
export const USER_CODE_LENGTH = 8;

/** The largest multiple of the alphabet size below 256: bytes at or above it are drawn again, so every character is equally likely. */
const UNBIASED_LIMIT = 256 - (256 % USER_CODE_ALPHABET.length);
/** What a user may reasonably type for one code; longer input is not looked at. */
const MAX_INPUT_LENGTH = 64;

/** A random user code in canonical form (RFC 8628 §6.1), drawn from `randomBytes` by rejection sampling. */
export function generateUserCode(randomBytes: (size: number) => Uint8Array): string {
  let code = "";
  while (code.length < USER_CODE_LENGTH) {
    for (const byte of randomBytes(USER_CODE_LENGTH - code.length)) {
      if (byte < UNBIASED_LIMIT && code.length < USER_CODE_LENGTH) code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** The code as shown to the user: two groups of four joined by a dash (RFC 8628 §6.1). */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * The canonical form of what a user typed (RFC 8628 §6.1): case, dashes, spaces and other punctuation do not matter;
 * undefined when the rest cannot be a user code.
 */
export function normalizeUserCode(input: string): string | undefined {
  if (input.length > MAX_INPUT_LENGTH) return undefined;
  const code = input.toUpperCase().replace(/[\s\p{P}]/gu, "");
  if (code.length !== USER_CODE_LENGTH || [...code].some((c) => !USER_CODE_ALPHABET.includes(c))) return undefined;
  return code;
}
