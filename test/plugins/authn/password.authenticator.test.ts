import assert from "node:assert/strict";
import { test } from "node:test";
import plugin from "../../../plugins/authn/password/index.js";
import { PasswordAuthenticator } from "../../../plugins/authn/password/password.authenticator.js";
import type { Authenticator } from "../../../src/plugin-sdk/index.js";
import { fakeAuthenticatorContext } from "../../../src/plugin-sdk/testing/index.js";

const users = [
  { id: "u-alice", username: "alice", disabled: false, password: "correct horse" },
  { id: "u-bob", username: "bob", disabled: true, password: "battery staple" },
];

test("password declares a first step with username and current-password fields (RFC 8176 pwd)", () => {
  const step = new PasswordAuthenticator();
  assert.equal(plugin.id, "authn.password");
  assert.equal(step.id, "password");
  assert.equal(step.factor, "first");
  assert.deepEqual([...step.amr], ["pwd"]);
  assert.deepEqual(step.fields.map((f) => [f.name, f.type, f.autocomplete]), [["username", "text", "username"], ["password", "password", "current-password"]]);
  assert.equal((step as Authenticator).enrolled, undefined, "a first step has no enrolment");
});

test("the right password identifies the user", async () => {
  const ctx = fakeAuthenticatorContext({ users });
  assert.deepEqual(await new PasswordAuthenticator().authenticate({ fields: { username: "alice", password: "correct horse" } }, ctx), { ok: true, userId: "u-alice" });
});

test("a wrong or missing password fails", async () => {
  const ctx = fakeAuthenticatorContext({ users });
  const step = new PasswordAuthenticator();
  assert.deepEqual(await step.authenticate({ fields: { username: "alice", password: "correct horsf" } }, ctx), { ok: false });
  assert.deepEqual(await step.authenticate({ fields: { username: "alice" } }, ctx), { ok: false });
  assert.deepEqual(ctx.passwordChecks, ["u-alice", "u-alice"]);
});

test("an unknown user fails after the same password check (core hashes against a dummy)", async () => {
  const ctx = fakeAuthenticatorContext({ users });
  assert.deepEqual(await new PasswordAuthenticator().authenticate({ fields: { username: "mallory", password: "correct horse" } }, ctx), { ok: false });
  assert.deepEqual(await new PasswordAuthenticator().authenticate({ fields: {} }, ctx), { ok: false });
  assert.deepEqual(ctx.passwordChecks, ["", ""], "verifyPassword runs for unknown users too");
});

test("a disabled user fails even with the right password, after the same check", async () => {
  const ctx = fakeAuthenticatorContext({ users });
  assert.deepEqual(await new PasswordAuthenticator().authenticate({ fields: { username: "bob", password: "battery staple" } }, ctx), { ok: false });
  assert.deepEqual(ctx.passwordChecks, ["u-bob"]);
});
