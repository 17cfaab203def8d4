import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CoreClientAuthContext } from "../../../src/core/clients/client-auth-context.js";
import { JWKS_REFETCH_COOLDOWN_MS } from "../../../src/core/keys/jwks-cache.js";
import { SafeFetchError } from "../../../src/core/security/safe-fetch.js";
import type { ClientAssertionExpectation } from "../../../src/plugin-sdk/client-auth.js";
import { startLocalServer, type LocalServer } from "../security/local-server.js";
import { b64url, hmacJws } from "./auth-fixtures.js";
import { endpointRequest, expectOAuthError, Harness, ISSUER, JWT_BEARER, signAssertion, testKey, type TestKey } from "./client-auth-harness.js";

const JWKS: ClientAssertionExpectation = { keySource: "jwks" };
const SECRET: ClientAssertionExpectation = { keySource: "secret" };
const HMAC_SECRET = "a-client-secret-of-at-least-thirty-two-bytes-0123456789";

describe("ClientAssertionVerifier (corpus D 25–29)", () => {
  let h: Harness;
  let ctx: CoreClientAuthContext;
  const keys: Record<string, TestKey> = { RS256: testKey("RS256"), PS256: testKey("PS256"), ES256: testKey("ES256"), EdDSA: testKey("EdDSA") };
  const other = testKey("ES256");

  const sign = (claims: Record<string, unknown> = {}, key = keys.ES256!, clientId = "pk") =>
    signAssertion(key.privateKey, { alg: key.alg, kid: key.kid }, clientId, h.clock.seconds, claims);
  const rejected = (assertion: string, clientId = "pk", expectation = JWKS) => expectOAuthError(ctx.verifyClientAssertion(assertion, clientId, expectation), "invalid_client", 401);

  before(async () => {
    h = await Harness.open();
    ctx = h.container.resolve(CoreClientAuthContext);
    const publicKeys = Object.values(keys).map((k) => k.publicJwk);
    await h.addClient({ clientId: "pk", metadata: { token_endpoint_auth_method: "private_key_jwt", jwks: { keys: publicKeys } } });
    await h.addClient({ clientId: "other", metadata: { token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [other.publicJwk] } } });
    await h.addClient({ clientId: "es-only", metadata: { token_endpoint_auth_method: "private_key_jwt", token_endpoint_auth_signing_alg: "ES256", jwks: { keys: publicKeys } } });
    await h.addClient({ clientId: "compat", metadata: { token_endpoint_auth_method: "private_key_jwt", client_assertion_allow_endpoint_audience: true, jwks: { keys: publicKeys } } });
    await h.addClient({ clientId: "sj", metadata: { token_endpoint_auth_method: "client_secret_jwt" }, secret: HMAC_SECRET, sealed: true });
  });
  after(() => h.close());

  for (const alg of ["RS256", "PS256", "ES256", "EdDSA"]) {
    it(`accepts a valid ${alg} private_key_jwt assertion`, async () => {
      const client = await ctx.verifyClientAssertion(await sign({}, keys[alg]), "pk", JWKS);
      assert.equal(client.clientId, "pk");
    });
  }

  it("accepts a key without kid when several keys could match (each is tried)", async () => {
    const assertion = await signAssertion(keys.ES256!.privateKey, { alg: "ES256" }, "pk", h.clock.seconds);
    const twoEcKeys = { keys: [other.publicJwk, keys.ES256!.publicJwk].map(({ kid: _kid, ...jwk }) => jwk) };
    await h.addClient({ clientId: "no-kid", metadata: { token_endpoint_auth_method: "private_key_jwt", jwks: twoEcKeys } });
    const noKid = await signAssertion(keys.ES256!.privateKey, { alg: "ES256" }, "no-kid", h.clock.seconds);
    assert.equal((await ctx.verifyClientAssertion(noKid, "no-kid", JWKS)).clientId, "no-kid");
    assert.equal((await ctx.verifyClientAssertion(assertion, "pk", JWKS)).clientId, "pk");
  });

  it("accepts a valid client_secret_jwt assertion (HMAC with the unsealed secret)", async () => {
    const assertion = await signAssertion(new TextEncoder().encode(HMAC_SECRET), { alg: "HS256" }, "sj", h.clock.seconds);
    assert.equal((await ctx.verifyClientAssertion(assertion, "sj", SECRET)).clientId, "sj");
  });

  it("rejects an unknown client", async () => {
    await rejected(await sign({}, keys.ES256, "ghost"), "ghost");
  });

  it("25: exp 5 minutes in the past, sub missing, sub ≠ iss, iss/sub ≠ client_id", async () => {
    await rejected(await sign({ iat: h.clock.seconds - 360, exp: h.clock.seconds - 300 }));
    await rejected(await sign({ sub: undefined }));
    await rejected(await sign({ sub: "someone-else" }));
    await rejected(await sign({ iss: "someone-else" }));
    await rejected(await sign({}, keys.ES256, "pk"), "compat");
  });

  it("26: aud must be the issuer string: another server, the token URL, the PAR URL or an array are rejected", async () => {
    for (const aud of ["https://other.example.com", `${ISSUER}/token`, `${ISSUER}/par`, [ISSUER], [ISSUER, "https://other.example.com"], undefined]) {
      await rejected(await sign({ aud }));
    }
  });

  it("26: with client_assertion_allow_endpoint_audience the token URL and an array holding the issuer pass, the PAR URL does not", async () => {
    for (const aud of [ISSUER, `${ISSUER}/token`, [ISSUER, "https://other.example.com"], [`${ISSUER}/token`]]) {
      assert.equal((await ctx.verifyClientAssertion(await sign({ aud }, keys.ES256, "compat"), "compat", JWKS)).clientId, "compat");
    }
    for (const aud of [`${ISSUER}/par`, "https://other.example.com", ["https://other.example.com"]]) {
      await rejected(await sign({ aud }, keys.ES256, "compat"), "compat");
    }
  });

  it("27: a replayed jti is rejected; the replay entry lives until exp plus the clock tolerance", async () => {
    const assertion = await sign({ jti: "once", exp: h.clock.seconds + 120 });
    await ctx.verifyClientAssertion(assertion, "pk", JWKS);
    assert.equal(await h.store.ttl("jti:ca:pk:once"), (120 + 30) * 1000);
    await rejected(assertion);
    await rejected(await sign({ jti: "once" }));
  });

  it("27: exp far in the future (1 year) is rejected; exp at the maximum lifetime passes; jti is required", async () => {
    await rejected(await sign({ exp: h.clock.seconds + 365 * 86_400 }));
    await rejected(await sign({ exp: h.clock.seconds + 300 + 31 }));
    await ctx.verifyClientAssertion(await sign({ exp: h.clock.seconds + 300 }), "pk", JWKS);
    await rejected(await sign({ jti: undefined }));
    await rejected(await sign({ jti: "x".repeat(257) }));
  });

  it("28: alg none is rejected", async () => {
    const now = h.clock.seconds;
    const unsigned = `${b64url({ alg: "none" })}.${b64url({ iss: "pk", sub: "pk", aud: ISSUER, jti: "n", exp: now + 60 })}.`;
    await rejected(unsigned);
    await rejected(unsigned, "pk", SECRET);
  });

  it("28: HS256 keyed with the client's RSA public key (PEM or JWK bytes) is rejected (CVE-2016-10555)", async () => {
    const now = h.clock.seconds;
    const payload = { iss: "pk", sub: "pk", aud: ISSUER, jti: "confused", exp: now + 60 };
    const pem = (await import("node:crypto")).createPublicKey({ key: keys.RS256!.publicJwk as never, format: "jwk" }).export({ type: "spki", format: "pem" });
    for (const key of [pem, JSON.stringify(keys.RS256!.publicJwk)]) {
      await rejected(hmacJws("HS256", key, payload, keys.RS256!.kid));
      await rejected(hmacJws("HS256", key, payload, keys.RS256!.kid), "pk", SECRET);
      const request = endpointRequest({ client_id: "pk", client_assertion_type: JWT_BEARER, client_assertion: hmacJws("HS256", key, payload, keys.RS256!.kid) });
      await expectOAuthError(h.service.authenticate(request), "invalid_client", 401);
    }
  });

  it("28: RS256 (or PS256) is rejected for a client that registered ES256; ES256 passes", async () => {
    await rejected(await sign({}, keys.RS256, "es-only"), "es-only");
    await rejected(await sign({}, keys.PS256, "es-only"), "es-only");
    assert.equal((await ctx.verifyClientAssertion(await sign({}, keys.ES256, "es-only"), "es-only", JWKS)).clientId, "es-only");
  });

  it("28: a kid (and key) from another client's JWKS is rejected", async () => {
    await rejected(await sign({}, other, "pk"));
    assert.equal((await ctx.verifyClientAssertion(await sign({}, other, "other"), "other", JWKS)).clientId, "other");
  });

  it("28: asymmetric algs on client_secret_jwt and HMAC on private_key_jwt are rejected", async () => {
    await rejected(await sign({}, keys.ES256, "sj"), "sj", SECRET);
    const hmac = await signAssertion(new TextEncoder().encode(HMAC_SECRET), { alg: "HS256" }, "sj", h.clock.seconds);
    await rejected(hmac, "sj", JWKS);
  });

  it("client_secret_jwt: a wrong secret, an expired secret, or no sealed secret is rejected", async () => {
    await rejected(await signAssertion(new TextEncoder().encode(`${HMAC_SECRET}x`), { alg: "HS256" }, "sj", h.clock.seconds), "sj", SECRET);
    await h.addClient({ clientId: "sj-old", metadata: { token_endpoint_auth_method: "client_secret_jwt" }, secret: HMAC_SECRET, sealed: true, secretExpiresAt: h.clock.seconds - 1 });
    await rejected(await signAssertion(new TextEncoder().encode(HMAC_SECRET), { alg: "HS256" }, "sj-old", h.clock.seconds), "sj-old", SECRET);
    await h.addClient({ clientId: "sj-digest-only", metadata: { token_endpoint_auth_method: "client_secret_jwt" }, secret: HMAC_SECRET });
    await rejected(await signAssertion(new TextEncoder().encode(HMAC_SECRET), { alg: "HS256" }, "sj-digest-only", h.clock.seconds), "sj-digest-only", SECRET);
  });

  it("29: iat/nbf 8 s in the future are accepted; 61 s are rejected", async () => {
    const now = h.clock.seconds;
    await ctx.verifyClientAssertion(await sign({ iat: now + 8, nbf: now + 8, exp: now + 68 }), "pk", JWKS);
    await rejected(await sign({ nbf: now + 61, exp: now + 121 }));
    await rejected(await sign({ iat: now + 61, exp: now + 121 }));
  });

  it("rejects garbage, a JWE-shaped value and a wrong signature", async () => {
    await rejected("not-a-jwt");
    await rejected("a.b.c.d.e");
    const valid = await sign();
    await rejected(`${valid.slice(0, valid.lastIndexOf(".") + 1)}${b64url("forged")}`);
  });
});

describe("ClientAssertionVerifier with jwks_uri (fetched through the SafeFetcher)", () => {
  let h: Harness;
  let ctx: CoreClientAuthContext;
  let server: LocalServer;
  const first = testKey("ES256");
  const rotated = testKey("ES256");
  let served = [first.publicJwk];

  before(async () => {
    server = await startLocalServer((request, response) => {
      if (request.url === "/jwks") response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: served }));
      else if (request.url === "/big") response.writeHead(200).end(JSON.stringify({ keys: [first.publicJwk], pad: "x".repeat(4096) }));
      else if (request.url === "/redirect") response.writeHead(302, { location: "/jwks" }).end();
      // "/hang" never answers
    });
    h = await Harness.open({ fetchAllowPrivate: "true", fetchTimeout: "200", fetchMaxBytes: "2048" });
    ctx = h.container.resolve(CoreClientAuthContext);
    for (const [clientId, path] of [["remote", "/jwks"], ["slow", "/hang"], ["big", "/big"], ["moved", "/redirect"]] as const) {
      await h.addClient({ clientId, metadata: { token_endpoint_auth_method: "private_key_jwt", jwks_uri: `${server.url}${path}` } });
    }
  });
  after(async () => {
    await h.close();
    await server.close();
  });

  const sign = (key: TestKey, clientId = "remote") => signAssertion(key.privateKey, { alg: "ES256", kid: key.kid }, clientId, h.clock.seconds);
  const jwksHits = () => server.hits.filter((path) => path === "/jwks").length;

  it("fetches jwks_uri once and reuses the keys", async () => {
    await ctx.verifyClientAssertion(await sign(first), "remote", JWKS);
    await ctx.verifyClientAssertion(await sign(first), "remote", JWKS);
    assert.equal(jwksHits(), 1);
  });

  it("an unknown kid refetches once, but not again inside the cooldown", async () => {
    served = [first.publicJwk, rotated.publicJwk];
    await expectOAuthError(ctx.verifyClientAssertion(await sign(rotated), "remote", JWKS), "invalid_client", 401);
    assert.equal(jwksHits(), 1, "the keys were fetched moments ago: no refetch inside the cooldown");
    h.clock.advance(JWKS_REFETCH_COOLDOWN_MS / 1000);
    await ctx.verifyClientAssertion(await sign(rotated), "remote", JWKS);
    assert.equal(jwksHits(), 2);
    await expectOAuthError(ctx.verifyClientAssertion(await sign(testKey("ES256")), "remote", JWKS), "invalid_client", 401);
    assert.equal(jwksHits(), 2);
  });

  it("a jwks_uri that times out, is too large or redirects gives invalid_client with the fetch failure as cause", async () => {
    for (const [clientId, reason] of [["slow", "timeout"], ["big", "too_large"], ["moved", "redirect"]] as const) {
      const error = await expectOAuthError(ctx.verifyClientAssertion(await sign(first, clientId), clientId, JWKS), "invalid_client", 401);
      assert.ok(error.cause instanceof SafeFetchError && error.cause.reason === reason, `${clientId}: ${String(error.cause)}`);
    }
    assert.equal(server.hits.filter((path) => path === "/jwks").length, 2, "the redirect was not followed");
  });

  it("refuses a loopback jwks_uri when fetchAllowPrivate is false (SSRF)", async () => {
    const strict = await Harness.open({ fetchAllowPrivate: "false" });
    try {
      for (const uri of ["https://127.0.0.1/jwks", "https://169.254.169.254/jwks", "https://2130706433/jwks", "https://[::1]/jwks", `${server.url}/jwks`]) {
        await strict.addClient({ clientId: uri, metadata: { token_endpoint_auth_method: "private_key_jwt", jwks_uri: uri } });
        const assertion = await signAssertion(first.privateKey, { alg: "ES256", kid: first.kid }, uri, strict.clock.seconds);
        const error = await expectOAuthError(strict.container.resolve(CoreClientAuthContext).verifyClientAssertion(assertion, uri, JWKS), "invalid_client", 401);
        assert.ok(error.cause instanceof SafeFetchError && ["forbidden_address", "invalid_url"].includes(error.cause.reason), `${uri}: ${String(error.cause)}`);
      }
      assert.equal(jwksHits(), 2, "nothing reached the local server");
    } finally {
      await strict.close();
    }
  });
});
