import { create, ScalarType, toBinary, type DescField, type DescMessage } from "@bufbuild/protobuf";
import fc from "fast-check";
import { jsonValue, POLLUTION_KEYS } from "./json.arbitrary.js";
import { mutatedString } from "./mutated-string.arbitrary.js";

const INT32_EDGES = [0, -1, 1, 2 ** 31 - 1, -(2 ** 31)];
const INT64_EDGES = [0n, -1n, 1n, 2n ** 63n - 1n, -(2n ** 63n), 9007199254740993n];

/** A value for one scalar type (RFC-free: protobuf language guide "Scalar Value Types"), edges included. */
function scalar(type: ScalarType, strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.STRING:
      return strings;
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 64 });
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.double();
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return fc.oneof(fc.constantFrom(...INT64_EDGES), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.oneof(fc.constantFrom(0n, 1n, 2n ** 64n - 1n), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.oneof(fc.constantFrom(0, 1, 2 ** 32 - 1), fc.nat({ max: 2 ** 32 - 1 }));
    default:
      return fc.oneof(fc.constantFrom(...INT32_EDGES), fc.integer());
  }
}

/** A google.protobuf.Struct as protobuf-es takes it (a JSON object), prototype-pollution keys included. */
const struct = fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...POLLUTION_KEYS, "sub", "aud", "exp", "cnf", "scope")), jsonValue, { maxKeys: 5 }).map((o) => JSON.parse(JSON.stringify(o)) as unknown);

/** A value for a message-typed field: Struct as JSON, any other message as a nested init shape. */
function messageValue(message: DescMessage, strings: fc.Arbitrary<string>, depth: number): fc.Arbitrary<unknown> {
  return message.typeName === "google.protobuf.Struct" ? struct : messageInit(message, strings, depth - 1);
}

/** A value for one field of any kind: scalar, enum (unknown numbers too), message, list or map. */
function fieldValue(field: DescField, strings: fc.Arbitrary<string>, depth: number): fc.Arbitrary<unknown> {
  const enumValue = (values: readonly { number: number }[]) => fc.oneof(fc.constantFrom(...values.map((v) => v.number)), fc.integer({ min: -5, max: 1000 }));
  switch (field.fieldKind) {
    case "scalar":
      return scalar(field.scalar, strings);
    case "enum":
      return enumValue(field.enum.values);
    case "message":
      return messageValue(field.message, strings, depth);
    case "list": {
      const item = field.listKind === "scalar" ? scalar(field.scalar, strings) : field.listKind === "enum" ? enumValue(field.enum.values) : messageValue(field.message, strings, depth);
      return fc.array(item, { maxLength: depth > 0 ? 4 : 0 });
    }
    case "map": {
      const item = field.mapKind === "scalar" ? scalar(field.scalar, strings) : field.mapKind === "enum" ? enumValue(field.enum.values) : messageValue(field.message, strings, depth);
      return fc.dictionary(strings, item, { maxKeys: depth > 0 ? 3 : 0 });
    }
  }
}

/** An init shape of `message` with each field absent or set to a random value; one member of each oneof at most. */
export function messageInit(message: DescMessage, strings: fc.Arbitrary<string>, depth = 2): fc.Arbitrary<Record<string, unknown>> {
  const members: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of message.fields) if (!field.oneof) members[field.localName] = fieldValue(field, strings, depth);
  for (const oneof of message.oneofs) {
    members[oneof.localName] = fc.oneof(...oneof.fields.map((field) => fieldValue(field, strings, depth).map((value) => ({ case: field.localName, value }))));
  }
  return Object.keys(members).length === 0 ? fc.constant({}) : fc.record(members, { requiredKeys: [] });
}

/**
 * The bytes of a request message: a structured one from the generated schema (mostly), or that encoding damaged
 * (truncated, a byte flipped, junk appended), or random bytes.
 */
export function messageBytes(message: DescMessage, strings: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  const valid = messageInit(message, strings).map((init) => Buffer.from(toBinary(message, create(message, init as never))));
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat()).map(([bytes, n]) => bytes.subarray(0, n % (bytes.length + 1))) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([bytes, n, x]) => (bytes.length === 0 ? bytes : Buffer.from(bytes.map((b, i) => (i === n % bytes.length ? b ^ x : b))))) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([bytes, junk]) => Buffer.concat([bytes, junk])) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 128 }).map((bytes) => Buffer.from(bytes)) },
  );
}

/** The string values fields draw from: the seeds' (tokens, ids, URLs) mutated, JWT mutations, and anything. */
export function fieldStrings(seeds: readonly string[], jwt: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: mutatedString(seeds) }, { weight: 2, arbitrary: jwt }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });
}
