import fc from "fast-check";
import { mutatedString } from "./mutated-string.arbitrary.js";

/** Known parameter names with values for each (valid seeds to mutate), plus names the server has never heard of. */
export interface FormVocabulary {
  names: readonly string[];
  values: Readonly<Record<string, readonly string[]>>;
  /** Extra value arbitraries by name (e.g. JWT mutations for client_assertion). */
  special?: Readonly<Record<string, fc.Arbitrary<string>>>;
}

/** Parameter pairs: known names (often repeated) with mutated values, and now and then an unknown or mangled name. */
export function formPairs(vocabulary: FormVocabulary, maxPairs = 10): fc.Arbitrary<[string, string][]> {
  const name = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...vocabulary.names) }, { weight: 1, arbitrary: mutatedString(vocabulary.names) });
  const pair = name.chain((n) => {
    const value = mutatedString(Object.hasOwn(vocabulary.values, n) ? vocabulary.values[n]! : []);
    const special = vocabulary.special && Object.hasOwn(vocabulary.special, n) ? vocabulary.special[n] : undefined;
    return fc.tuple(fc.constant(n), special ? fc.oneof(value, special) : value);
  });
  return fc.array(pair, { maxLength: maxPairs });
}

/** Byte-level damage to an encoded form: broken percent-encoding, NUL, invalid UTF-8, stray separators. */
const damage = fc.constantFrom(Buffer.from("%"), Buffer.from("%G1"), Buffer.from("%e9"), Buffer.from("%C3%28"), Buffer.from("%00"), Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0]), Buffer.from("&&=="), Buffer.from("%ED%A0%80"));

/** An application/x-www-form-urlencoded body (or query) for `pairs`, mostly well-encoded, sometimes damaged at a random offset. */
export function formBytes(vocabulary: FormVocabulary, maxPairs?: number): fc.Arbitrary<Buffer> {
  const encoded = formPairs(vocabulary, maxPairs).map((pairs) => Buffer.from(pairs.map(([n, v]) => `${encodeFormComponent(n)}=${encodeFormComponent(v)}`).join("&")));
  return fc.oneof(
    { weight: 5, arbitrary: encoded },
    { weight: 2, arbitrary: fc.tuple(encoded, fc.nat(), damage).map(([bytes, at, bad]) => Buffer.concat([bytes.subarray(0, at % (bytes.length + 1)), bad, bytes.subarray(at % (bytes.length + 1))])) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  );
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Form encoding of one name or value (RFC 6749 Appendix B); lone surrogates, which encodeURIComponent refuses, become U+FFFD. */
export function encodeFormComponent(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, "\uFFFD")).replace(/%20/g, "+");
}
