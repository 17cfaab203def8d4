import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAuthorization } from "../../src/resource-server/authorization-header.js";

/** Authorization header parsing (RFC 6750 §2.1, RFC 9449 §7.1, RFC 7235 §2.1). */
describe("parseAuthorization", () => {
  it("reads Bearer and DPoP credentials, the scheme case-insensitively", () => {
    assert.deepEqual(parseAuthorization("Bearer abc.def-_~+/=="), { kind: "token", scheme: "Bearer", token: "abc.def-_~+/==" });
    assert.deepEqual(parseAuthorization("bEaReR   abc"), { kind: "token", scheme: "Bearer", token: "abc" });
    assert.deepEqual(parseAuthorization("dpop xyz"), { kind: "token", scheme: "DPoP", token: "xyz" });
    assert.deepEqual(parseAuthorization(["Basic Zm9vOmJhcg==", "DPoP xyz"]), { kind: "token", scheme: "DPoP", token: "xyz" });
  });

  it("treats no header and other schemes as absent (no error code, RFC 6750 §3.1)", () => {
    assert.deepEqual(parseAuthorization(undefined), { kind: "absent" });
    assert.deepEqual(parseAuthorization([]), { kind: "absent" });
    assert.deepEqual(parseAuthorization("Basic Zm9vOmJhcg=="), { kind: "absent" });
    assert.deepEqual(parseAuthorization("Bearerish abc"), { kind: "absent" });
  });

  it("calls a bad token68, an empty token or two tokens malformed (invalid_request)", () => {
    for (const header of ["Bearer", "Bearer ", "Bearer a b", "Bearer a,b", "DPoP =abc", "Bearer ab=c"]) assert.equal(parseAuthorization(header).kind, "malformed", header);
    assert.equal(parseAuthorization(["Bearer a", "Bearer b"]).kind, "malformed");
    assert.equal(parseAuthorization(["Bearer a", "DPoP a"]).kind, "malformed");
  });
});
