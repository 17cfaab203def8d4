import fc from "fast-check";
import { mutatedString } from "./mutated-string.arbitrary.js";

/** Header values a request may carry, by name; JWT-valued ones come from `jwt`. */
export interface HeaderVocabulary {
  authorizations: readonly string[];
  jwt: fc.Arbitrary<string>;
}

/** Content types right, wrong, re-cased and combined (RFC 9110 §8.3). */
const CONTENT_TYPES = ["application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8", "application/json", "application/json; charset=latin1", "multipart/form-data; boundary=x", "text/plain", "", ";", "application/x-www-form-urlencoded, application/json"];

/** A header name in random letter case (RFC 9110 §5.1: names are case-insensitive). */
function oddCasing(name: string): fc.Arbitrary<string> {
  return fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));
}

/** Bytes a header value must not contain (RFC 9110 §5.5) except CR and LF, which would end the line. */
const invalidBytes = fc.uint8Array({ minLength: 1, maxLength: 30 }).map((bytes) => Buffer.from(bytes.filter((b) => b !== 0x0d && b !== 0x0a)));

/** One header line: a read header with a valid, mutated, JWT or garbage value, in any casing, sometimes oversized or with invalid bytes. */
export function headerLine(vocabulary: HeaderVocabulary): fc.Arbitrary<[string, string | Buffer]> {
  const authorization = fc.oneof(
    mutatedString(vocabulary.authorizations),
    vocabulary.jwt.map((jwt) => `Bearer ${jwt}`),
    vocabulary.jwt.map((jwt) => `DPoP ${jwt}`),
    fc.tuple(fc.string({ unit: "binary", maxLength: 20 }), fc.string({ unit: "binary", maxLength: 20 })).map(([id, secret]) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`),
    fc.constantFrom("Basic", "Basic ", "Basic ====", "Basic %%%", "Bearer", "Bearer  ", "bearer x", "Negotiate abc", "Basic Og=="),
  );
  // Headers whose values the server reads (RFC 6749 §2.3.1, RFC 6750 §2.1, RFC 9449 §4.1, attestation-based client auth §6, RFC 9440).
  const named: [string, fc.Arbitrary<string | Buffer>][] = [
    ["authorization", authorization],
    ["dpop", vocabulary.jwt],
    ["oauth-client-attestation", vocabulary.jwt],
    ["oauth-client-attestation-pop", vocabulary.jwt],
    ["content-type", mutatedString(CONTENT_TYPES)],
    ["cookie", mutatedString(["portcullis_session=x", "a=b; c=d", "=", ";;"])],
    ["x-request-id", mutatedString(["abc-123"])],
    ["origin", mutatedString(["https://app.example.test", "null"])],
    ["client-cert", mutatedString([":MIIB:"])],
    ["x-forwarded-for", mutatedString(["203.0.113.9", "::1"])],
    ["accept", mutatedString(["application/json", "text/html", "*/*"])],
    ["x-fuzz", fc.string({ maxLength: 20 })],
  ];
  const line = fc.oneof(...named.map(([name, value]) => fc.tuple(oddCasing(name), value)));
  return fc.oneof(
    { weight: 10, arbitrary: line },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...named.map(([n]) => n)), invalidBytes) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...named.map(([n]) => n)), fc.integer({ min: 1000, max: 20_000 }).map((n) => "A".repeat(n))) },
  );
}

/** A header block: a few lines, names possibly repeated (two DPoP or Authorization headers). */
export function headerLines(vocabulary: HeaderVocabulary, maxLines = 5): fc.Arbitrary<[string, string | Buffer][]> {
  return fc.array(headerLine(vocabulary), { maxLength: maxLines });
}
