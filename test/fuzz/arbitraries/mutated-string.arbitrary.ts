import fc from "fast-check";

/** Values that trip naive parsers: empty, whitespace, numbers at the edges, JSON and prototype names, encodings. */
export const TRICKY_STRINGS = ["", " ", "null", "undefined", "0", "-1", "1e999", "NaN", "9007199254740993", "[]", "{}", "__proto__", "constructor", "toString", "%00", "%", "\u0000", "\uFFFD", "\uD800", "a\u0000b", "..%2F..%2F", "javascript:alert(1)", "https://127.0.0.1:1/"];

/** Characters far from a value's alphabet: controls, quotes, separators, non-ASCII, lone surrogates. */
const oddCharacter = fc.oneof(fc.constantFrom("\u0000", "\t", "\n", "\r", '"', "\\", "%", "&", "=", "+", ";", ",", " ", ".", "/", ":", "\u00e9", "\u202e", "\uD800", "\uFFFF"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));

/** A string near one of `values`: as is, truncated, grown, with characters inserted or replaced, re-cased, or unrelated. */
export function mutatedString(values: readonly string[]): fc.Arbitrary<string> {
  const valid = values.length > 0 ? fc.constantFrom(...values) : fc.string({ maxLength: 40 });
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat()).map(([v, n]) => v.slice(0, v.length === 0 ? 0 : n % v.length)) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat(), oddCharacter).map(([v, n, c]) => v.slice(0, n % (v.length + 1)) + c + v.slice(n % (v.length + 1))) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat(), oddCharacter).map(([v, n, c]) => v.slice(0, n % (v.length + 1)) + c + v.slice((n % (v.length + 1)) + 1)) },
    { weight: 1, arbitrary: valid.map((v) => (v === v.toUpperCase() ? v.toLowerCase() : v.toUpperCase())) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.integer({ min: 2, max: 300 })).map(([v, n]) => (v || "a").repeat(n).slice(0, 12_000)) },
    { weight: 1, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  );
}
