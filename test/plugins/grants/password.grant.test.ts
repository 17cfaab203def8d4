import assert from "node:assert/strict";
import { test } from "node:test";
import { PasswordGrant } from "../../../plugins/grants/password/password.grant.js";
import { passwordGrantAllowed } from "../../../plugins/grants/password/password-grant-allowed.field.js";
import type { AuthenticatedClient, DirectSignIn } from "../../../src/plugin-sdk/index.js";
import { fakeDirectSignIn, grantRequest, OTP_PROMPT, recordingGrantContext, testClient } from "../../../src/plugin-sdk/testing/index.js";

const users = [
  { id: "u-alice", username: "alice", password: "alice-pw" },
  { id: "u-bob", username: "bob", password: "bob-pw", otp: "123456" },
];
const allowed: AuthenticatedClient = { client: testClient({ grant_types: ["password"], password_grant_allowed: true }), method: "client_secret_basic" };
const request = (params: Record<string, string>, client = allowed) => grantRequest("password", params, client);

test("password: off unless an operator allowed the client (unauthorized_client); username and password are required", async () => {
  const grant = new PasswordGrant(fakeDirectSignIn({ users }));
  const ctx = recordingGrantContext();
  const notAllowed = { client: testClient({ grant_types: ["password"] }), method: "none" };
  await assert.rejects(grant.handle(request({ username: "alice", password: "alice-pw" }, notAllowed), ctx), { error: "unauthorized_client" });
  await assert.rejects(grant.handle(request({ username: "alice" }), ctx), { error: "invalid_request" });
  await assert.rejects(grant.handle(request({ password: "alice-pw" }), ctx), { error: "invalid_request" });
});

test("password: the decision carries the authentication (ID token with openid) and a refresh token only with offline_access", async () => {
  const signIn = fakeDirectSignIn({ users });
  const grant = new PasswordGrant(signIn);
  const ctx = recordingGrantContext();
  const decision = await grant.handle({ ...request({ username: "alice", password: "alice-pw", scope: "openid offline_access" }), remoteAddress: "198.51.100.7" }, ctx);
  assert.equal(decision.subject, "u-alice");
  assert.deepEqual(decision.authentication?.amr, ["pwd"]);
  assert.deepEqual(decision.access.scopes, ["openid", "offline_access"]);
  assert.equal(decision.issueRefreshToken, true);
  assert.deepEqual(signIn.submissions, [{ authenticator: "password", remoteAddress: "198.51.100.7" }], "the lockout counts the caller's address");
  assert.equal((await grant.handle(request({ username: "alice", password: "alice-pw", scope: "openid" }), ctx)).issueRefreshToken, false);
});

test("password: wrong credentials are invalid_grant; a second factor is invalid_grant naming the flows that can ask for it", async () => {
  const grant = new PasswordGrant(fakeDirectSignIn({ users }));
  const ctx = recordingGrantContext();
  await assert.rejects(grant.handle(request({ username: "alice", password: "nope" }), ctx), { error: "invalid_grant", description: "the username or password is not valid" });
  await assert.rejects(grant.handle(request({ username: "bob", password: "bob-pw" }), ctx), {
    error: "invalid_grant",
    description: "this account also signs in with totp: use the authorization endpoint (browser) or the authorization challenge endpoint",
  });
});

test("password: a locked account or address is 429 too_many_requests with Retry-After", async () => {
  const signIn = fakeDirectSignIn({ users });
  signIn.throttle(300);
  await assert.rejects(new PasswordGrant(signIn).handle(request({ username: "alice", password: "alice-pw" }), recordingGrantContext()), (error: { error: string; headers: Record<string, string> }) => {
    assert.equal(error.error, "too_many_requests");
    assert.equal(error.headers["retry-after"], "300");
    return true;
  });
});

test("password: a first sign-in step that does not take a username and password cannot serve this grant", async () => {
  const otpFirst: DirectSignIn = { ...fakeDirectSignIn({ users }), begin: async () => ({ state: "{}", prompt: OTP_PROMPT }) };
  await assert.rejects(new PasswordGrant(otpFirst).handle(request({ username: "alice", password: "alice-pw" }), recordingGrantContext()), { error: "invalid_grant" });
});

test("password_grant_allowed: operator-only boolean that needs the password grant type", () => {
  const field = passwordGrantAllowed;
  assert.equal(field.setBy, "operator");
  assert.throws(() => field.parse("yes"), { error: "invalid_client_metadata" });
  assert.throws(() => field.validate({ grant_types: ["authorization_code"], password_grant_allowed: true }), { error: "invalid_client_metadata" });
  assert.doesNotThrow(() => field.validate({ grant_types: ["password"], password_grant_allowed: true }));
});
