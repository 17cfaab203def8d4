import assert from "node:assert/strict";
import { test } from "node:test";
import plugin from "../../../plugins/authn/totp/index.js";
import { hotp, timeStep } from "../../../plugins/authn/totp/rfc6238.js";
import { TotpAuthenticator } from "../../../plugins/authn/totp/totp.authenticator.js";
import { fakeAuthenticatorContext } from "../../../src/plugin-sdk/testing/index.js";

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const SEED = Buffer.from("12345678901234567890", "ascii");
const VECTORS: [seconds: number, code: string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

const alice = { id: "u-alice", username: "alice", disabled: false, totpSecret: SEED };
const carol = { id: "u-carol", username: "carol", disabled: false };
const at = (seconds: number) => fakeAuthenticatorContext({ users: [alice, carol], now: seconds * 1000 });
/** The 6-digit code of the step containing `seconds` (the last six digits of the 8-digit vector). */
const codeAt = (seconds: number) => hotp(SEED, timeStep(seconds * 1000));

test("RFC 6238 Appendix B SHA-1 vectors (8 digits, 30 s step, T0 = 0)", () => {
  for (const [seconds, code] of VECTORS) assert.equal(hotp(SEED, timeStep(seconds * 1000), 8), code, `T = ${seconds}`);
});

test("totp declares a second step with a one-time-code field (RFC 8176 otp)", () => {
  const step = new TotpAuthenticator();
  assert.equal(plugin.id, "authn.totp");
  assert.equal(step.id, "totp");
  assert.equal(step.factor, "second");
  assert.deepEqual([...step.amr], ["otp"]);
  assert.deepEqual(step.fields.map((f) => [f.name, f.type, f.autocomplete]), [["code", "one-time-code", "one-time-code"]]);
});

test("the 6-digit code of each Appendix B instant is accepted", async () => {
  for (const [seconds, code] of VECTORS) {
    assert.deepEqual(await new TotpAuthenticator().authenticate({ fields: { code: code.slice(2) }, userId: "u-alice" }, at(seconds)), { ok: true, userId: "u-alice" }, `T = ${seconds}`);
  }
});

test("codes one step either side are accepted, two steps away refused (RFC 6238 §5.2)", async () => {
  const now = 1111111111;
  const step = new TotpAuthenticator();
  for (const offset of [-30, 30]) assert.deepEqual(await step.authenticate({ fields: { code: codeAt(now + offset) }, userId: "u-alice" }, at(now)), { ok: true, userId: "u-alice" }, `offset ${offset}`);
  for (const offset of [-60, 60]) assert.deepEqual(await step.authenticate({ fields: { code: codeAt(now + offset) }, userId: "u-alice" }, at(now)), { ok: false }, `offset ${offset}`);
});

test("an accepted code is refused when replayed, even a step later; a fresh step's code is accepted", async () => {
  const ctx = at(1234567890);
  const step = new TotpAuthenticator();
  const code = codeAt(1234567890);
  assert.deepEqual(await step.authenticate({ fields: { code }, userId: "u-alice" }, ctx), { ok: true, userId: "u-alice" });
  assert.deepEqual(await step.authenticate({ fields: { code }, userId: "u-alice" }, ctx), { ok: false });
  ctx.advance(30_000);
  assert.deepEqual(await step.authenticate({ fields: { code }, userId: "u-alice" }, ctx), { ok: false }, "still inside the window, still a replay");
  assert.deepEqual(await step.authenticate({ fields: { code: codeAt(1234567890 + 30) }, userId: "u-alice" }, ctx), { ok: true, userId: "u-alice" });
});

test("wrong, malformed and missing codes fail", async () => {
  const step = new TotpAuthenticator();
  const right = codeAt(59);
  const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
  for (const code of [wrong, "12345", "1234567", "abcdef", ` ${right.slice(1)}`, ""]) {
    assert.deepEqual(await step.authenticate({ fields: { code }, userId: "u-alice" }, at(59)), { ok: false }, JSON.stringify(code));
  }
  assert.deepEqual(await step.authenticate({ fields: {}, userId: "u-alice" }, at(59)), { ok: false });
  assert.deepEqual(await step.authenticate({ fields: { code: right } }, at(59)), { ok: false }, "no user identified");
});

test("a user without a secret is not enrolled and never passes", async () => {
  const step = new TotpAuthenticator();
  assert.equal(await step.enrolled("u-alice", at(59)), true);
  assert.equal(await step.enrolled("u-carol", at(59)), false);
  assert.equal(await step.enrolled("u-nobody", at(59)), false);
  assert.deepEqual(await step.authenticate({ fields: { code: codeAt(59) }, userId: "u-carol" }, at(59)), { ok: false });
});
