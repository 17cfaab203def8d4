import assert from "node:assert/strict";
import { test } from "node:test";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../../../src/core/users/password-hasher.js";

test("scrypt hashes are salted, self-describing and verify only the right password", async () => {
  const [first, second] = await Promise.all([hashPassword("correct horse"), hashPassword("correct horse")]);
  assert.match(first, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(first, second, "a fresh salt each time");
  assert.equal(await verifyPassword("correct horse", first), true);
  assert.equal(await verifyPassword("correct horsf", first), false);
  assert.equal(await verifyPassword("", first), false);
});

test("Unicode passwords are normalised (NFKC) before hashing", async () => {
  const stored = await hashPassword("ﬁle-Ω");
  assert.equal(await verifyPassword("file-Ω", stored), true);
});

test("malformed stored hashes never verify", async () => {
  for (const stored of ["", "plain", "bcrypt$x$y", "scrypt$32768$8$1$salt"]) assert.equal(await verifyPassword("x", stored), false, stored);
});

test("the dummy hash for unknown users has the parameters of a real hash, so verifying against it costs the same", async () => {
  const params = (stored: string) => stored.split("$").slice(0, 4).join("$");
  assert.equal(params(DUMMY_PASSWORD_HASH), params(await hashPassword("x")));
  assert.equal(await verifyPassword("", DUMMY_PASSWORD_HASH), false);
});
