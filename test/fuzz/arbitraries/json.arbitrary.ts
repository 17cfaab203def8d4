import fc from "fast-check";

/** Keys that pollute prototypes when an object is merged naively (CWE-1321). */
export const POLLUTION_KEYS = ["__proto__", "constructor", "prototype"];

/** Hand-written JSON text fast-check's values cannot produce: numbers beyond double range, deep nesting. */
const extremeJson = fc.constantFrom("1e400", "-1e400", "123456789012345678901234567890", "-0", "0.0000000000000000000000001", "1E-400", "[".repeat(3000) + "]".repeat(3000), '{"a":'.repeat(2000) + "1" + "}".repeat(2000));

/** Any JSON value, with wrong types for every member a schema expects. */
export const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e308, -1e308, 2 ** 31, 2 ** 63, true, false, null, "", [], {}) },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS).map((key) => JSON.parse(`{"${key}":{"polluted":true,"isAdmin":true}}`) as unknown) },
);

/** JSON text for one member value: a random value serialised, a valid example from `examples`, or extreme text. */
function memberText(examples: readonly unknown[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
    { weight: examples.length > 0 ? 3 : 0, arbitrary: examples.length > 0 ? fc.constantFrom(...examples).map((v) => JSON.stringify(v)) : fc.constant("null") },
    { weight: 1, arbitrary: extremeJson },
  );
}

/**
 * A JSON body built as text (so `__proto__` stays an own member and keys may repeat): the members of `base`, then known
 * names with valid or wrong values, or now and then another top-level value, truncated text, or invalid bytes.
 */
export function jsonDocument(names: readonly string[], examples: Readonly<Record<string, readonly unknown[]>>, base: Readonly<Record<string, unknown>> = {}): fc.Arbitrary<Buffer> {
  const valid = Object.entries(base).map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`);
  const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
  const member = name.chain((n) => memberText(Object.hasOwn(examples, n) ? examples[n]! : []).map((text) => `${JSON.stringify(n)}:${text}`));
  // Later members win in JSON.parse: a random member may replace a valid one of `base`.
  const object = fc.array(member, { maxLength: 12 }).map((members) => `{${[...valid, ...members].join(",")}}`);
  return fc.oneof(
    { weight: 8, arbitrary: object.map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: fc.oneof(jsonValue.map((v) => JSON.stringify(v) ?? "null"), extremeJson).map((text) => Buffer.from(text)) },
    { weight: 1, arbitrary: fc.tuple(object, fc.nat()).map(([text, n]) => Buffer.from(text.slice(0, n % (text.length + 1)))) },
    { weight: 1, arbitrary: fc.tuple(object, fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([text, bytes]) => Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from(bytes), Buffer.from("}")])) },
  );
}
