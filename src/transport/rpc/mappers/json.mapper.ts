import type { JsonObject } from "@bufbuild/protobuf";

/** A record as a google.protobuf.Struct value: JSON round-trip drops `undefined` members, which Struct cannot hold. */
export function toJsonObject(value: Record<string, unknown>): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/** Epoch seconds (or any integral count) as a proto int64. */
export function toInt64(value: number): bigint {
  return BigInt(Math.trunc(value));
}
