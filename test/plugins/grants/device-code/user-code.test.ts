import assert from "node:assert/strict";
import { test } from "node:test";
import { formatUserCode, generateUserCode, normalizeUserCode, USER_CODE_ALPHABET, USER_CODE_LENGTH } from "../../../../plugins/grants/device-code/user-code.js";

/** Random bytes from a fixed list, in order (each call takes as many as it asks for). */
function scripted(bytes: number[]): (size: number) => Uint8Array {
  let next = 0;
  return (size) => {
    const chunk = bytes.slice(next, next + size);
    next += size;
    if (chunk.length < size) throw new Error("script exhausted");
    return Uint8Array.from(chunk);
  };
}

test("the alphabet has 20 consonants, no vowels and no look-alikes; 8 characters carry more than 34 bits (RFC 8628 §6.1)", () => {
  assert.equal(new Set(USER_CODE_ALPHABET).size, 20);
  assert.doesNotMatch(USER_CODE_ALPHABET, /[AEIOUY0-9]/);
  assert.ok(USER_CODE_LENGTH * Math.log2(USER_CODE_ALPHABET.length) > 34);
});

test("a user code maps each byte below 240 to byte mod 20 and draws again for the rest (no modulo bias)", () => {
  // 240..255 would favour the first 16 characters; they are skipped and replaced by the next bytes.
  const code = generateUserCode(scripted([0, 19, 20, 239, 240, 255, 1, 2, 3, 4, 5, 6]));
  assert.equal(code, "BZBZCDFG");
});

test("generated codes are canonical and use only the alphabet", () => {
  const code = generateUserCode((size) => Uint8Array.from({ length: size }, (_, i) => (i * 37) % 256));
  assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
  assert.equal(normalizeUserCode(code), code);
});

test("user codes are shown as two groups of four", () => {
  assert.equal(formatUserCode("BCDFGHJK"), "BCDF-GHJK");
});

test("input is normalised: case, dashes, spaces and punctuation do not matter", () => {
  for (const input of ["BCDF-GHJK", "bcdf-ghjk", "bcdfghjk", " bcdf ghjk ", "BCDF–GHJK", "bc.df_gh-jk", "BCDF\u00a0GHJK"]) {
    assert.equal(normalizeUserCode(input), "BCDFGHJK", input);
  }
});

test("input that cannot be a user code is refused without a lookup", () => {
  for (const input of ["", "BCDF-GHJ", "BCDF-GHJKL", "BCDA-GHJK", "BCD0-GHJK", "BCDF-GHJ\u00df", `${"-".repeat(60)}BCDFGHJK`]) {
    assert.equal(normalizeUserCode(input), undefined, input);
  }
});
