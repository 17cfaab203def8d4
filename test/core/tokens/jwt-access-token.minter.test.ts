import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { secretDigest } from "../../../src/core/security/digest.js";
import { MAX_ACCESS_TOKEN_TTL } from "../../../src/core/tokens/access-token.js";
import { opaqueTokenKey } from "../../../src/core/tokens/jwt-access-token.minter.js";
import { counterRandom, ISSUER } from "../keys/key-fixtures.js";
import { mintRequest, tokenFixture, type TokenFixture } from "./token-fixtures.js";

const decode = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

describe("JwtAccessTokenMinter", () => {
  let f: TokenFixture;
  const expectedIds = counterRandom("mint");
  before(async () => {
    f = await tokenFixture();
  });
  after(() => f.close());

  it("signs RFC 9068 claims with the ACCESS_TOKEN_ALG key and typ at+jwt", async () => {
    const iat = Math.floor(f.clock.now() / 1000);
    const issued = await f.minter.mint(mintRequest({ grantId: "grant-1", extraClaims: { tenant: "acme", amr: ["pwd"] } }));
    const claims = {
      iss: ISSUER,
      sub: "client-1",
      aud: "https://api.example",
      exp: iat + 300,
      iat,
      jti: expectedIds.id(),
      client_id: "client-1",
      scope: "read write",
      gid: "grant-1",
      tenant: "acme",
      amr: ["pwd"],
    };
    assert.equal(issued.format, "jwt");
    assert.equal(issued.expiresIn, 300);
    assert.deepEqual(issued.claims, claims);
    assert.deepEqual(decode(issued.token), claims);
    assert.deepEqual(decodeProtectedHeader(issued.token), { alg: "ES256", typ: "at+jwt", kid: f.keys.activeKey("ES256").kid });
    const verified = await jwtVerify(issued.token, createLocalJWKSet(f.keys.jwks()), {
      typ: "at+jwt",
      issuer: ISSUER,
      audience: "https://api.example",
      currentDate: new Date(f.clock.now()),
      requiredClaims: ["exp", "iat", "jti", "client_id", "sub"],
    });
    assert.equal(verified.payload.jti, claims.jti);
    assert.equal(Buffer.from(claims.jti, "base64url").length, 16, "jti carries 128 random bits");
  });

  it("uses the issuer as audience when none, an array when several, and omits empty scope and gid", async () => {
    const none = await f.minter.mint(mintRequest({ audiences: [], scopes: [] }));
    assert.equal(none.claims.aud, ISSUER);
    assert.equal("scope" in decode(none.token), false);
    assert.equal("gid" in decode(none.token), false);
    const many = await f.minter.mint(mintRequest({ audiences: ["https://a.example", "https://b.example"] }));
    assert.deepEqual(decode(many.token).aud, ["https://a.example", "https://b.example"]);
  });

  it("drops reserved extra claims, sets cnf only from the confirmation, and caps the lifetime", async () => {
    const extraClaims = JSON.parse(
      '{"iss":"https://evil","sub":"root","aud":"x","exp":1,"nbf":1,"iat":1,"jti":"fixed","client_id":"other","scope":"admin","gid":"g","cnf":{"jkt":"evil"},"__proto__":{"polluted":true},"ok":1}',
    ) as Record<string, unknown>;
    const issued = await f.minter.mint(mintRequest({ extraClaims, confirmation: { jkt: "thumbprint" }, ttl: MAX_ACCESS_TOKEN_TTL * 2 }));
    const claims = decode(issued.token);
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.sub, "client-1");
    assert.equal(claims.client_id, "client-1");
    assert.equal(claims.scope, "read write");
    assert.notEqual(claims.jti, "fixed");
    assert.equal("nbf" in claims || "gid" in claims || "polluted" in claims, false);
    assert.deepEqual(claims.cnf, { jkt: "thumbprint" });
    assert.equal(claims.ok, 1);
    assert.equal(issued.expiresIn, MAX_ACCESS_TOKEN_TTL);
    assert.equal((claims.exp as number) - (claims.iat as number), MAX_ACCESS_TOKEN_TTL);
  });

  it("stores opaque tokens as a digest for exactly their lifetime", async () => {
    const issued = await f.minter.mint(mintRequest({ format: "opaque", ttl: 120 }));
    assert.equal(issued.format, "opaque");
    assert.match(issued.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(issued.token, "base64url").length, 32);
    const key = opaqueTokenKey(secretDigest(issued.token));
    assert.deepEqual(JSON.parse((await f.store.get(key))!), issued.claims);
    assert.equal(await f.store.ttl(key), 120_000);
    assert.equal(await f.store.get(opaqueTokenKey(issued.token)), undefined, "never keyed by the plaintext");
  });

  it("signs with the configured alg", async () => {
    const ps = await tokenFixture({ accessTokenAlg: "PS256" });
    try {
      const issued = await ps.minter.mint(mintRequest());
      assert.equal(decodeProtectedHeader(issued.token).alg, "PS256");
      assert.ok(await ps.validator.validateAccessToken(issued.token));
    } finally {
      await ps.close();
    }
  });
});
