import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatChallenge } from "../../src/resource-server/www-authenticate.js";

/** WWW-Authenticate challenges (RFC 6750 §3, RFC 9449 §7.1). */
describe("formatChallenge", () => {
  it("is the bare scheme without attributes", () => {
    assert.equal(formatChallenge({ scheme: "Bearer" }), "Bearer");
  });

  it("lists realm, error, description, scope and algs as quoted strings, escaping quotes and backslashes", () => {
    assert.equal(
      formatChallenge({ scheme: "Bearer", realm: "api", error: "insufficient_scope", description: 'say "hi" \\', scope: ["a", "b"] }),
      'Bearer realm="api", error="insufficient_scope", error_description="say \\"hi\\" \\\\", scope="a b"',
    );
    assert.equal(formatChallenge({ scheme: "DPoP", error: "invalid_dpop_proof", algs: ["ES256", "PS256"] }), 'DPoP error="invalid_dpop_proof", algs="ES256 PS256"');
  });
});
