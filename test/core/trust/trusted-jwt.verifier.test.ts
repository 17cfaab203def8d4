import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { secretDigest } from "../../../src/core/security/digest.js";
import { JWKS_REFETCH_COOLDOWN_MS } from "../../../src/core/keys/jwks-cache.js";
import type { TrustedJwt, TrustedJwtExpectation, TrustedJwtFailure, TrustedJwtResult } from "../../../src/plugin-sdk/capabilities.js";
import { confusedAssertions, signAssertion, testKey, unsignedAssertion, type AssertionBase, type TestKey } from "../../support/jwt-bearer-fixtures.js";
import { b64url } from "../clients/auth-fixtures.js";
import { ISSUER } from "../clients/client-auth-harness.js";
import { startLocalServer, type LocalServer } from "../security/local-server.js";
import { openTrustHarness, type TrustHarness } from "./trust-harness.js";

const IDP = "https://idp.example.org";
const EXPECT: TrustedJwtExpectation = { use: "jwt-bearer", clientId: "app", audiences: [ISSUER, `${ISSUER}/token`], singleUse: true };

function accepted(result: TrustedJwtResult): TrustedJwt {
  assert.ok(result.ok, result.ok ? "" : `refused: ${result.reason} (${result.description})`);
  return result.jwt;
}

function refused(result: TrustedJwtResult, reason: TrustedJwtFailure): string {
  assert.equal(result.ok, false, "expected a refusal");
  if (result.ok) return "";
  assert.equal(result.reason, reason, result.description);
  assert.match(result.description, /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/, "client-safe description (RFC 6749 §5.2)");
  return result.description;
}

describe("TrustedJwtVerifier with inline keys (corpus N79–N81)", () => {
  let t: TrustHarness;
  const keys: Record<string, TestKey> = { RS256: testKey("RS256"), PS256: testKey("PS256"), ES256: testKey("ES256"), EdDSA: testKey("EdDSA") };
  const stranger = testKey("ES256", keys.ES256!.kid);
  let aliceId = "";
  const base = (overrides: Partial<AssertionBase> = {}): AssertionBase => ({ iss: IDP, sub: "alice", aud: ISSUER, now: t.h.clock.seconds, ...overrides });
  const sign = (claims: Record<string, unknown> = {}, key = keys.ES256!, header: Record<string, unknown> = {}) => signAssertion(key, base(), claims, header);
  const verify = (jwt: string, expectation: Partial<TrustedJwtExpectation> = {}) => t.verifier.verify(jwt, { ...EXPECT, ...expectation });

  before(async () => {
    t = await openTrustHarness();
    aliceId = await t.addUser("alice");
    await t.addUser("mallory", true);
    const jwks = { keys: Object.values(keys).map((k) => k.publicJwk) };
    await t.issuers.put({ issuer: IDP, uses: ["jwt-bearer"], allowedClients: ["app"], subjectMapping: "username", jwks });
    await t.issuers.put({ issuer: "https://ids.example.org", uses: ["jwt-bearer"], allowedClients: ["*"], subjectMapping: "id", jwks, maxLifetime: 3600 });
    await t.issuers.put({ issuer: "https://partner.example.org", uses: ["jwt-bearer", "software-statement"], allowedClients: [], subjectMapping: "pass-through", jwks });
  });
  after(() => t.h.close());

  for (const alg of ["RS256", "PS256", "ES256", "EdDSA"]) {
    it(`accepts a valid ${alg} assertion and maps sub by username`, async () => {
      const jwt = accepted(await verify(await sign({ ok: true, scope_hint: "x" }, keys[alg])));
      assert.equal(jwt.issuer, IDP);
      assert.equal(jwt.subject, "alice");
      assert.deepEqual(jwt.user, { id: aliceId, username: "alice", disabled: false });
      assert.equal(jwt.expiresAt, t.h.clock.seconds + 60);
      assert.equal(jwt.claims.scope_hint, "x", "every claim, even one named ok, is returned as a claim");
      assert.ok(Object.isFrozen(jwt) && Object.isFrozen(jwt.claims));
    });
  }

  it("aud may be the issuer identifier or the token endpoint, as a string or in an array", async () => {
    for (const aud of [ISSUER, `${ISSUER}/token`, ["https://other.example", ISSUER], [`${ISSUER}/token`]]) accepted(await verify(await sign({ aud })));
  });

  it("maps sub by local user id, or passes it through without a local user", async () => {
    const byId = accepted(await verify(await signAssertion(keys.ES256!, base({ iss: "https://ids.example.org", sub: aliceId }))));
    assert.equal(byId.user?.username, "alice");
    const passed = accepted(await verify(await signAssertion(keys.ES256!, base({ iss: "https://partner.example.org", sub: "ext-42" })), { clientId: null }));
    assert.equal(passed.subject, "ext-42");
    assert.equal(passed.user, undefined);
  });

  it("N79: a bad signature, a key of another party under the issuer's kid, a forged payload → invalid_signature", async () => {
    const valid = await sign();
    refused(await verify(`${valid.slice(0, valid.lastIndexOf(".") + 1)}${b64url("forged")}`), "invalid_signature");
    refused(await verify(await sign({}, stranger)), "invalid_signature");
    const [header, , signature] = valid.split(".");
    refused(await verify(`${header}.${b64url({ iss: IDP, sub: "root", aud: ISSUER, exp: t.h.clock.seconds + 60, jti: "x" })}.${signature}`), "invalid_signature");
    refused(await verify(await sign({}, keys.ES256, { kid: "unknown-kid" })), "invalid_signature");
  });

  it("N79: an untrusted or missing iss → untrusted_issuer; a lookalike iss is not the trusted one", async () => {
    for (const iss of ["https://evil.example", `${IDP}/`, IDP.toUpperCase(), undefined]) {
      refused(await verify(await sign({ iss })), "untrusted_issuer");
    }
  });

  it("N79: aud ≠ this server (another server, the PAR URL, missing) → invalid_audience / missing_claim", async () => {
    for (const aud of ["https://other.example", `${ISSUER}/par`, [`${ISSUER}/par`], `${ISSUER}/`]) assert.equal(refused(await verify(await sign({ aud })), "invalid_audience"), "aud does not name this server");
    assert.equal(refused(await verify(await sign({ aud: undefined })), "missing_claim"), "aud is missing");
  });

  it("N79: exp missing or past beyond the leeway → invalid; inside the leeway it passes", async () => {
    const now = t.h.clock.seconds;
    assert.equal(refused(await verify(await sign({ exp: undefined })), "missing_claim"), "exp is missing");
    refused(await verify(await sign({ iat: now - 120, exp: now - 31 })), "expired");
    accepted(await verify(await sign({ iat: now - 120, exp: now - 29 })));
    refused(await verify(await sign({ exp: "tomorrow" })), "malformed");
  });

  it("N79: nbf beyond the leeway → not_yet_valid; iat beyond it → issued_in_future; within it they pass", async () => {
    const now = t.h.clock.seconds;
    refused(await verify(await sign({ nbf: now + 31, exp: now + 90 })), "not_yet_valid");
    refused(await verify(await sign({ iat: now + 31, exp: now + 90 })), "issued_in_future");
    accepted(await verify(await sign({ nbf: now + 29, iat: now + 29, exp: now + 90 })));
  });

  it("N79: exp further ahead than the issuer's max lifetime (+ leeway) → lifetime_too_long; the per-issuer maximum applies", async () => {
    const now = t.h.clock.seconds;
    assert.equal(refused(await verify(await sign({ exp: now + 365 * 86_400 })), "lifetime_too_long"), "exp is more than 300 seconds ahead");
    refused(await verify(await sign({ exp: now + 300 + 31 })), "lifetime_too_long");
    accepted(await verify(await sign({ exp: now + 300 + 30 })));
    accepted(await verify(await signAssertion(keys.ES256!, base({ iss: "https://ids.example.org", sub: aliceId }), { exp: now + 3600 })));
  });

  it("N80: a replayed jti → replayed, kept until exp + CLOCK_TOLERANCE; per issuer", async () => {
    const jwt = await sign({ jti: "once", exp: t.h.clock.seconds + 120 });
    accepted(await verify(jwt));
    assert.equal(await t.h.store.ttl(`jti:ti:${secretDigest(`${IDP}\u0000once`)}`), (120 + 30) * 1000);
    assert.equal(refused(await verify(jwt), "replayed"), "jti was already used");
    refused(await verify(await sign({ jti: "once" })), "replayed");
    accepted(await verify(await signAssertion(keys.ES256!, base({ iss: "https://ids.example.org", sub: aliceId }), { jti: "once" })));
  });

  it("N80: of 20 concurrent verifications of one assertion exactly one is accepted", async () => {
    const jwt = await sign();
    const results = await Promise.all(Array.from({ length: 20 }, () => verify(jwt)));
    assert.equal(results.filter((r) => r.ok).length, 1);
    for (const result of results.filter((r) => !r.ok)) refused(result, "replayed");
  });

  it("jti is required and bounded when single use is asked; otherwise optional and not consumed", async () => {
    assert.equal(refused(await verify(await sign({ jti: undefined })), "missing_claim"), "jti is missing");
    refused(await verify(await sign({ jti: "x".repeat(257) })), "missing_claim");
    refused(await verify(await sign({ jti: 7 })), "missing_claim");
    const reusable = await sign({ jti: undefined });
    accepted(await verify(reusable, { singleUse: false }));
    accepted(await verify(reusable, { singleUse: false }));
  });

  it("N81: HS256 keyed with the issuer's RSA public key (PEM or JWK) and alg none → algorithm_not_allowed", async () => {
    for (const jwt of confusedAssertions(keys.RS256!, base())) assert.equal(refused(await verify(jwt), "algorithm_not_allowed"), "alg must be RS*, PS*, ES* or EdDSA");
    refused(await verify(unsignedAssertion(base())), "algorithm_not_allowed");
    for (const alg of ["HS256", "HS512", "NONE", "ES256K", "RS1", "", 256]) {
      refused(await verify(`${b64url({ alg, kid: keys.ES256!.kid })}.${b64url({ iss: IDP, sub: "alice", aud: ISSUER })}.${b64url("sig")}`), "algorithm_not_allowed");
    }
  });

  it("N81: the key type must match the alg (an RS256 header naming the EC key's kid fails)", async () => {
    refused(await verify(await sign({}, keys.RS256, { kid: keys.ES256!.kid })), "invalid_signature");
    refused(await verify(await sign({}, keys.ES256, { kid: keys.RS256!.kid })), "invalid_signature");
  });

  it("N81: sub mapping to an unknown or disabled user → unknown_subject / disabled_subject, with one description", async () => {
    assert.equal(refused(await verify(await signAssertion(keys.ES256!, base({ sub: "nobody" }))), "unknown_subject"), "sub is not an enabled local user");
    assert.equal(refused(await verify(await signAssertion(keys.ES256!, base({ sub: "mallory" }))), "disabled_subject"), "sub is not an enabled local user");
    refused(await verify(await signAssertion(keys.ES256!, base({ iss: "https://ids.example.org", sub: "alice" }))), "unknown_subject");
    refused(await verify(await sign({ sub: undefined })), "missing_claim");
    refused(await verify(await sign({ sub: "" })), "missing_claim");
  });

  it("the issuer must be trusted for the use and the client; * allows every client; null skips the client check", async () => {
    assert.equal(refused(await verify(await sign(), { use: "token-exchange" }), "use_not_allowed"), "the issuer is not trusted for token-exchange");
    assert.equal(refused(await verify(await sign(), { clientId: "other-app" }), "client_not_allowed"), "the issuer is not trusted for this client");
    accepted(await verify(await signAssertion(keys.ES256!, base({ iss: "https://ids.example.org", sub: aliceId })), { clientId: "any-app" }));
    refused(await verify(await signAssertion(keys.ES256!, base({ iss: "https://partner.example.org" })), { clientId: "app" }), "client_not_allowed");
    accepted(await verify(await signAssertion(keys.ES256!, base({ iss: "https://partner.example.org" }), { aud: "https://elsewhere" }), { use: "software-statement", clientId: null, audiences: null }));
  });

  it("a software statement's expectation (RFC 7591 §2.3): sub, exp and aud may be absent; present ones are still checked", async () => {
    const statement: Partial<TrustedJwtExpectation> = { use: "software-statement", clientId: null, audiences: [ISSUER], singleUse: false, subject: "optional", expiry: "optional", audience: "optional" };
    const partner = (claims: Record<string, unknown>) => signAssertion(keys.ES256!, base({ iss: "https://partner.example.org" }), { jti: undefined, ...claims });
    const bare = await partner({ sub: undefined, exp: undefined, aud: undefined, software_id: "4NRB1" });
    const jwt = accepted(await verify(bare, statement));
    assert.deepEqual([jwt.subject, jwt.expiresAt, jwt.user, jwt.claims.software_id], ["", Number.POSITIVE_INFINITY, undefined, "4NRB1"]);
    accepted(await verify(await partner({ aud: ISSUER, exp: t.h.clock.seconds + 10 * 365 * 86_400 }), statement));
    refused(await verify(await partner({ aud: "https://elsewhere.example" }), statement), "invalid_audience");
    refused(await verify(await partner({ exp: t.h.clock.seconds - 31 }), statement), "expired");
    for (const strict of [{ subject: undefined }, { expiry: undefined }, { audience: undefined }]) refused(await verify(bare, { ...statement, ...strict }), "missing_claim");
  });

  it('subject "required" needs a sub but maps nothing (an attestation names a client)', async () => {
    const clientSub = await signAssertion(keys.ES256!, base({ iss: "https://ids.example.org", sub: "client-123" }));
    const jwt = accepted(await verify(clientSub, { clientId: null, singleUse: false, subject: "required" }));
    assert.deepEqual([jwt.subject, jwt.user], ["client-123", undefined]);
    refused(await verify(clientSub, { clientId: null, singleUse: false }), "unknown_subject");
    refused(await verify(await signAssertion(keys.ES256!, base({ iss: "https://ids.example.org" }), { sub: undefined }), { clientId: null, singleUse: false, subject: "required" }), "missing_claim");
  });

  it("garbage, a JWE-shaped value and a non-JSON payload → malformed", async () => {
    for (const jwt of ["", "not-a-jwt", "a.b.c.d.e", `${b64url({ alg: "ES256" })}.${b64url("[1]")}.sig`, `${b64url({ alg: "ES256" })}.bm90LWpzb24.sig`]) {
      assert.equal(refused(await verify(jwt), "malformed"), "not a well-formed signed JWT");
    }
  });

  it("an operator change reaches the verifier at once: new keys, a removed use, a deleted issuer", async () => {
    const rotated = testKey("ES256");
    const issuer = "https://rotating.example.org";
    await t.issuers.put({ issuer, uses: ["jwt-bearer"], allowedClients: ["app"], subjectMapping: "username", jwks: { keys: [keys.ES256!.publicJwk] } });
    accepted(await verify(await signAssertion(keys.ES256!, base({ iss: issuer }))));
    await t.issuers.put({ issuer, uses: ["jwt-bearer"], allowedClients: ["app"], subjectMapping: "username", jwks: { keys: [rotated.publicJwk] } });
    refused(await verify(await signAssertion(keys.ES256!, base({ iss: issuer }))), "invalid_signature");
    accepted(await verify(await signAssertion(rotated, base({ iss: issuer }))));
    await t.issuers.put({ issuer, uses: ["token-exchange"], allowedClients: ["app"], subjectMapping: "username", jwks: { keys: [rotated.publicJwk] } });
    refused(await verify(await signAssertion(rotated, base({ iss: issuer }))), "use_not_allowed");
    await t.issuers.delete(issuer);
    refused(await verify(await signAssertion(rotated, base({ iss: issuer }))), "untrusted_issuer");
  });
});

describe("TrustedJwtVerifier with jwks_uri (SafeFetcher, cache, rate-limited refetch)", () => {
  let t: TrustHarness;
  let server: LocalServer;
  const first = testKey("ES256");
  const rotated = testKey("RS256");
  let served = [first.publicJwk];
  const base = (iss: string): AssertionBase => ({ iss, sub: "alice", aud: ISSUER, now: t.h.clock.seconds });
  const verify = (jwt: string) => t.verifier.verify(jwt, EXPECT);
  const jwksHits = () => server.hits.filter((path) => path === "/jwks").length;

  before(async () => {
    server = await startLocalServer((request, response) => {
      if (request.url === "/jwks") response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: served }));
      else if (request.url === "/big") response.writeHead(200).end(JSON.stringify({ keys: [first.publicJwk], pad: "x".repeat(4096) }));
      else if (request.url === "/redirect") response.writeHead(302, { location: "/jwks" }).end();
      else if (request.url === "/not-a-set") response.writeHead(200).end('{"keys":"nope"}');
      else if (request.url === "/missing") response.writeHead(404).end();
      // "/hang" never answers
    });
    t = await openTrustHarness({ fetchAllowPrivate: "true", fetchTimeout: "200", fetchMaxBytes: "2048" });
    await t.addUser("alice");
    for (const path of ["/jwks", "/hang", "/big", "/redirect", "/not-a-set", "/missing"]) {
      await t.issuers.put({ issuer: `https://idp${path.replace("/", ".")}.example`, uses: ["jwt-bearer"], allowedClients: ["*"], subjectMapping: "username", jwksUri: `${server.url}${path}` });
    }
  });
  after(async () => {
    await t.h.close();
    await server.close();
  });

  const REMOTE = "https://idp.jwks.example";

  it("fetches jwks_uri once and reuses the keys", async () => {
    accepted(await verify(await signAssertion(first, base(REMOTE))));
    accepted(await verify(await signAssertion(first, base(REMOTE))));
    assert.equal(jwksHits(), 1);
  });

  it("unknown kids refetch at most once per cooldown, however many arrive", async () => {
    served = [first.publicJwk, rotated.publicJwk];
    for (let i = 0; i < 5; i++) refused(await verify(await signAssertion(testKey("ES256"), base(REMOTE))), "invalid_signature");
    refused(await verify(await signAssertion(rotated, base(REMOTE))), "invalid_signature");
    assert.equal(jwksHits(), 1, "fetched moments ago: no refetch inside the cooldown");
    t.h.clock.advance(JWKS_REFETCH_COOLDOWN_MS / 1000);
    accepted(await verify(await signAssertion(rotated, base(REMOTE))));
    assert.equal(jwksHits(), 2);
    for (let i = 0; i < 5; i++) refused(await verify(await signAssertion(testKey("ES256"), base(REMOTE))), "invalid_signature");
    assert.equal(jwksHits(), 2);
  });

  it("a jwks_uri that times out, is too large, redirects, answers 404 or is not a JWK Set → keys_unavailable", async () => {
    for (const name of ["hang", "big", "redirect", "missing", "not-a-set"]) {
      refused(await verify(await signAssertion(first, base(`https://idp.${name}.example`))), "keys_unavailable");
    }
    assert.equal(jwksHits(), 2, "the redirect was not followed");
  });

  it("refuses to register a loopback or plain-http jwks_uri when private fetches are not allowed (SSRF, corpus 88)", async () => {
    const strict = await openTrustHarness({ fetchAllowPrivate: "false" });
    try {
      for (const uri of ["https://127.0.0.1/jwks", "https://169.254.169.254/jwks", "https://2130706433/jwks", "https://[::1]/jwks", `${server.url}/jwks`, "http://idp.example/jwks"]) {
        await assert.rejects(strict.issuers.put({ issuer: "https://x.example", uses: ["jwt-bearer"], subjectMapping: "username", jwksUri: uri }), { error: "invalid_request" }, uri);
      }
    } finally {
      await strict.h.close();
    }
  });
});
