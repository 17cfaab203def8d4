import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JwtAttestationVerifier } from "../../../plugins/attestation/jwt/jwt.attestation.js";
import type { TrustedIssuers, TrustedJwtExpectation, TrustedJwtFailure, TrustedJwtResult } from "../../../src/plugin-sdk/capabilities.js";
import { b64url } from "../../core/clients/auth-fixtures.js";

const ATTESTER = "https://attester.example.org";
const INSTANCE_KEY = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" };

/** An unsigned compact JWT with this header and claims: the verifier reads the header, the registry stub answers for the rest. */
const jwt = (header: Record<string, unknown>, claims: Record<string, unknown> = {}) => `${b64url(header)}.${b64url(claims)}.sig`;
const ATTESTATION = jwt({ alg: "ES256", typ: "oauth-client-attestation+jwt" });

/** TrustedIssuers answering `result` for every JWT, recording each expectation. */
function registry(result: TrustedJwtResult): TrustedIssuers & { seen: TrustedJwtExpectation[] } {
  const seen: TrustedJwtExpectation[] = [];
  return { seen, verify: async (_jwt, expectation) => (seen.push(expectation), result) };
}
const verified = (claims: Record<string, unknown>): TrustedJwtResult => ({ ok: true, jwt: { issuer: ATTESTER, subject: String(claims.sub), expiresAt: 2_000_000_000, claims } });
const failed = (reason: TrustedJwtFailure): TrustedJwtResult => ({ ok: false, reason, description: `because ${reason}` });

describe("JwtAttestationVerifier (draft-ietf-oauth-attestation-based-client-auth-11 §4, §7.1)", () => {
  it("asks the registry for a client-attestation JWT with a required, unmapped sub and no audience, and reports the facts", async () => {
    const issuers = registry(verified({ sub: "app", cnf: { jwk: INSTANCE_KEY }, challenge: "c1", device: "pixel" }));
    const result = await new JwtAttestationVerifier(issuers).verify({ format: "oauth-client-attestation+jwt", value: ATTESTATION }, { purpose: "client-authentication", clientId: "app" });
    assert.deepEqual(issuers.seen, [{ use: "client-attestation", clientId: "app", audiences: null, singleUse: false, subject: "required" }]);
    assert.ok(result.ok);
    assert.deepEqual({ ...result.attestation, claims: undefined }, { attester: ATTESTER, clientId: "app", instanceKey: INSTANCE_KEY, expiresAt: 2_000_000_000, challenge: "c1", claims: undefined });
    assert.equal(result.attestation.claims.device, "pixel");
  });

  it("typ must be oauth-client-attestation+jwt (application/ prefix and case aside); the value a compact JWT", async () => {
    const verifier = new JwtAttestationVerifier(registry(verified({ sub: "app", cnf: { jwk: INSTANCE_KEY } })));
    const context = { purpose: "registration", clientId: null } as const;
    assert.equal((await verifier.verify({ format: "x", value: jwt({ alg: "ES256", typ: "application/OAuth-Client-Attestation+JWT" }) }, context)).ok, true);
    for (const value of [jwt({ alg: "ES256", typ: "JWT" }), jwt({ alg: "ES256" }), "garbage", 42]) {
      const result = await verifier.verify({ format: "oauth-client-attestation+jwt", value }, context);
      assert.equal(result.ok ? "accepted" : result.reason, "malformed", String(value));
    }
  });

  it("maps registry refusals: untrusted attester, bad signature, expired, keys unavailable", async () => {
    const cases: [TrustedJwtFailure, string][] = [
      ["untrusted_issuer", "untrusted_attester"],
      ["use_not_allowed", "untrusted_attester"],
      ["client_not_allowed", "untrusted_attester"],
      ["invalid_signature", "invalid_signature"],
      ["algorithm_not_allowed", "invalid_signature"],
      ["expired", "expired"],
      ["keys_unavailable", "keys_unavailable"],
      ["lifetime_too_long", "invalid"],
    ];
    for (const [reason, expected] of cases) {
      const result = await new JwtAttestationVerifier(registry(failed(reason))).verify({ format: "oauth-client-attestation+jwt", value: ATTESTATION }, { purpose: "client-authentication", clientId: "app" });
      assert.deepEqual(result, { ok: false, reason: expected, description: `because ${reason}` });
    }
  });

  it("sub must be the client; cnf.jwk must be an RSA, EC or OKP public key", async () => {
    const verify = (claims: Record<string, unknown>) =>
      new JwtAttestationVerifier(registry(verified(claims))).verify({ format: "oauth-client-attestation+jwt", value: ATTESTATION }, { purpose: "client-authentication", clientId: "app" });
    const reason = async (claims: Record<string, unknown>) => {
      const result = await verify(claims);
      return result.ok ? "accepted" : result.reason;
    };
    assert.equal(await reason({ sub: "other", cnf: { jwk: INSTANCE_KEY } }), "wrong_client");
    for (const cnf of [undefined, {}, { jwk: "x" }, { jwk: { kty: "oct", k: "c2VjcmV0" } }, { jwk: { ...INSTANCE_KEY, d: "private" } }]) assert.equal(await reason({ sub: "app", cnf }), "invalid", JSON.stringify(cnf));
  });
});
