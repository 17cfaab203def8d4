import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { validateChallenge, verifyPkce } from "../../../src/core/codes/pkce.js";

const S256_ONLY = { plainAllowed: false };
const PLAIN_OK = { plainAllowed: true };
// RFC 7636 Appendix B.
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

describe("verifyPkce (RFC 7636 §4.6)", () => {
  it("accepts the RFC 7636 Appendix B vector, whose challenge is base64url(SHA-256(verifier))", () => {
    assert.equal(createHash("sha256").update(VERIFIER, "ascii").digest("base64url"), CHALLENGE);
    verifyPkce(CHALLENGE, "S256", VERIFIER, S256_ONLY);
  });

  it("rejects a wrong or missing verifier with invalid_grant", () => {
    assert.throws(() => verifyPkce(CHALLENGE, "S256", `${VERIFIER.slice(0, -1)}B`, S256_ONLY), { error: "invalid_grant" });
    assert.throws(() => verifyPkce(CHALLENGE, "S256", undefined, S256_ONLY), { error: "invalid_grant" });
    assert.throws(() => verifyPkce("short", "S256", VERIFIER, S256_ONLY), { error: "invalid_grant" });
  });

  it("rejects verifiers of 42 or 129 characters or outside [A-Za-z0-9-._~] (RFC 7636 §4.1)", () => {
    for (const verifier of ["a".repeat(42), "a".repeat(129), `${"a".repeat(42)}+`, `${"a".repeat(42)}=`, `${"a".repeat(42)} `]) {
      assert.throws(() => verifyPkce(verifier, "plain", verifier, PLAIN_OK), { error: "invalid_grant" }, verifier);
    }
    for (const verifier of ["a".repeat(43), "a".repeat(128), `${"a".repeat(39)}-._~`]) verifyPkce(verifier, "plain", verifier, PLAIN_OK);
  });

  it("refuses plain unless allowed", () => {
    const verifier = "a".repeat(43);
    assert.throws(() => verifyPkce(verifier, "plain", verifier, S256_ONLY), { error: "invalid_grant" });
    verifyPkce(verifier, "plain", verifier, PLAIN_OK);
    assert.throws(() => verifyPkce(verifier, "plain", "b".repeat(43), PLAIN_OK), { error: "invalid_grant" });
  });
});

describe("validateChallenge (RFC 7636 §4.3)", () => {
  it("accepts a 43-character S256 challenge", () => assert.equal(validateChallenge(CHALLENGE, "S256", S256_ONLY), "S256"));

  it("rejects plain and an omitted method (which means plain) unless allowed (corpus B11)", () => {
    assert.throws(() => validateChallenge(CHALLENGE, "plain", S256_ONLY), { error: "invalid_request" });
    assert.throws(() => validateChallenge(CHALLENGE, undefined, S256_ONLY), { error: "invalid_request" });
    assert.throws(() => validateChallenge(CHALLENGE, "S512", PLAIN_OK), { error: "invalid_request" });
    assert.equal(validateChallenge(CHALLENGE, undefined, PLAIN_OK), "plain");
  });

  it("rejects an S256 challenge that is not 43 base64url characters", () => {
    for (const challenge of [CHALLENGE.slice(1), `${CHALLENGE}A`, `${CHALLENGE.slice(1)}=`, ""]) {
      assert.throws(() => validateChallenge(challenge, "S256", S256_ONLY), { error: "invalid_request" }, challenge);
    }
  });
});
