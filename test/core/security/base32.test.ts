import assert from "node:assert/strict";
import { test } from "node:test";
import { base32 } from "../../../src/core/security/base32.js";

test("RFC 4648 §10 base32 test vectors, without padding", () => {
  const vectors: [string, string][] = [["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"]];
  for (const [input, output] of vectors) assert.equal(base32(Buffer.from(input)), output, input);
});

test("a 20-byte TOTP secret is 32 characters", () => {
  assert.equal(base32(Buffer.from("12345678901234567890")), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
});
