import assert from "node:assert/strict";
import { test } from "node:test";
import { postable, stepDescription, submittedFields } from "../../../plugins/endpoints/authorization-challenge/step-fields.js";
import { FormParams, type SignInPrompt } from "../../../src/plugin-sdk/index.js";
import { OTP_PROMPT, PASSWORD_PROMPT } from "../../../src/plugin-sdk/testing/index.js";

const params = (record: Record<string, string>) => FormParams.from(record);
const field = (name: string, type: "text" | "password" | "one-time-code" = "text") => ({ name, type, label: name, autocomplete: "off" });

test("each authenticator field is the request parameter of its name; all of them or nothing", () => {
  assert.deepEqual(submittedFields(PASSWORD_PROMPT, params({ username: "alice", password: "pw", scope: "openid" })), { username: "alice", password: "pw" });
  assert.equal(submittedFields(PASSWORD_PROMPT, params({ username: "alice" })), undefined);
  assert.equal(submittedFields(PASSWORD_PROMPT, params({ username: "alice", password: "" })), undefined, "an empty value is absent (RFC 6749 §3.1)");
});

test("a step's only one-time-code field is also taken as otp (draft Appendix B.1); its own name wins", () => {
  assert.deepEqual(submittedFields(OTP_PROMPT, params({ otp: "123456" })), { code: "123456" });
  assert.deepEqual(submittedFields(OTP_PROMPT, params({ otp: "111111", code: "222222" })), { code: "222222" });
  const twoCodes: SignInPrompt = { ...OTP_PROMPT, fields: [field("sms", "one-time-code"), field("mail", "one-time-code")] };
  assert.equal(submittedFields(twoCodes, params({ otp: "1", mail: "2" })), undefined, "ambiguous: no alias");
  const namedOtp: SignInPrompt = { ...OTP_PROMPT, fields: [field("otp"), field("code", "one-time-code")] };
  assert.equal(submittedFields(namedOtp, params({ otp: "1" })), undefined, "a field named otp keeps its name");
});

test("a step is postable unless browser-only or one of its fields takes a name of the endpoint's own parameters", () => {
  assert.equal(postable(PASSWORD_PROMPT), true);
  assert.equal(postable({ ...PASSWORD_PROMPT, browserOnly: true }), false);
  for (const name of ["scope", "client_id", "auth_session", "code_challenge"]) assert.equal(postable({ ...OTP_PROMPT, fields: [field(name)] }), false, name);
});

test("the step as the client sees it: authenticator and fields without HTML-only details", () => {
  assert.deepEqual(stepDescription(OTP_PROMPT), { authenticator: "totp", fields: [{ name: "code", type: "one-time-code", label: "Authentication code" }] });
});
