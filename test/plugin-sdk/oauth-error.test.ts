import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_DESCRIPTION_LENGTH, OAuthErrors } from "../../src/plugin-sdk/errors.js";

/** OAuthError descriptions are client-safe (RFC 6749 §5.2) and bounded, however much client input they quote. */
describe("OAuthError description", () => {
  it("keeps a short description as is and cuts a long one to MAX_DESCRIPTION_LENGTH, ending in ...", () => {
    assert.equal(OAuthErrors.invalidRequest("unknown use password").description, "unknown use password");
    const long = OAuthErrors.invalidRequest(`unknown use ${"x".repeat(20_000)}`).description!;
    assert.equal(long.length, MAX_DESCRIPTION_LENGTH);
    assert.match(long, /^unknown use x+\.\.\.$/);
    assert.equal(OAuthErrors.invalidRequest("y".repeat(MAX_DESCRIPTION_LENGTH)).description, "y".repeat(MAX_DESCRIPTION_LENGTH));
  });
});
